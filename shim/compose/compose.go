package compose

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/deadline"
	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
	"github.com/blockcheck/blockcheck/shim/retryhttp"
)

// Limit is a concurrency limit for inbound requests:
// [github.com/blockcheck/blockcheck/shim/shed.Shedder] or
// [adaptive.Limiter].
type Limit interface {
	Middleware(next http.Handler) http.Handler
}

// Server is the inbound stack. Each field is optional; a nil or zero field
// leaves its layer out. The components keep their own configuration
// (observers, waits, Retry-After); Server only puts them in order.
type Server struct {
	// Observer, if set, wraps the whole stack with [monitor.Middleware].
	Observer monitor.Observer
	// RateLimit refuses clients over their rate with 429.
	RateLimit *ratelimit.Limiter
	// Limit bounds the handlers running at once, answering 503.
	Limit Limit
	// Breaker refuses requests with 503 while the handler keeps failing.
	Breaker *breaker.Breaker
	// Timeout, if positive, gives each request a deadline with
	// [deadline.Middleware] and DeadlineOptions.
	Timeout         time.Duration
	DeadlineOptions []deadline.Option
}

// Handler returns h wrapped in the stack, in the order the package
// documentation gives.
func (s Server) Handler(h http.Handler) http.Handler {
	if s.Timeout > 0 {
		h = deadline.Middleware(s.Timeout, h, s.DeadlineOptions...)
	}
	if s.Breaker != nil {
		h = s.Breaker.Middleware(h)
	}
	if s.Limit != nil {
		h = s.Limit.Middleware(h)
	}
	if s.RateLimit != nil {
		h = s.RateLimit.Middleware(h)
	}
	if s.Observer != nil {
		h = monitor.Middleware(s.Observer, h)
	}
	return h
}

// Client is the outbound stack. Each field is optional; a nil or zero field
// leaves its layer out.
type Client struct {
	// Retry, if not nil, retries through [retryhttp.New] with these
	// options: give it the service's shared [retryhttp.WithBudget] and a
	// [retryhttp.WithTimeout] for the whole exchange. An empty, non-nil
	// slice retries with retryhttp's defaults.
	Retry []retryhttp.Option
	// Limit bounds the attempts in flight; its refusals return
	// [adaptive.ErrLimited] and are not retried.
	Limit *adaptive.Limiter
	// Breaker stops sending while the service keeps failing; its refusals
	// return [*breaker.OpenError] and are not retried.
	Breaker *breaker.Breaker
	// AttemptTimeout, if positive, bounds each attempt, from sending to the
	// end of its response body.
	AttemptTimeout time.Duration
	// Fallback, if set, answers in place of the stack when it ends in an
	// error, or in a response that [retryhttp.Retryable] judges a failure
	// (429, 502, 503, 504), which is then closed and passed as a
	// [*retryhttp.StatusError]. It runs with the request's context.
	Fallback func(req *http.Request, err error) (*http.Response, error)
}

// Transport returns base (or [http.DefaultTransport] if base is nil) wrapped
// in the stack, in the order the package documentation gives.
func (c Client) Transport(base http.RoundTripper) http.RoundTripper {
	rt := base
	if rt == nil {
		rt = http.DefaultTransport
	}
	if c.AttemptTimeout > 0 {
		rt = &attemptTimeout{next: rt, d: c.AttemptTimeout}
	}
	if c.Breaker != nil {
		rt = c.Breaker.Transport(rt)
	}
	if c.Limit != nil {
		rt = c.Limit.Transport(rt)
	}
	if c.Retry != nil {
		rt = retryhttp.New(rt, c.Retry...)
	}
	if c.Fallback != nil {
		rt = &fallback{next: rt, fn: c.Fallback}
	}
	return rt
}

// attemptTimeout bounds each request it sends, up to the end of the body.
type attemptTimeout struct {
	next http.RoundTripper
	d    time.Duration
}

func (t *attemptTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.d)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

func (t *attemptTimeout) CloseIdleConnections() { closeIdle(t.next) }

// cancelBody ends an attempt's context when its body has been read or
// closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
	once   sync.Once
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.cancel)
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.cancel)
	return err
}

// fallback answers for the stack's failures.
type fallback struct {
	next http.RoundTripper
	fn   func(*http.Request, error) (*http.Response, error)
}

func (f *fallback) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := f.next.RoundTrip(req)
	switch {
	case err != nil:
		return f.fn(req, err)
	case retryhttp.Retryable(resp, nil):
		_, _ = io.CopyN(io.Discard, resp.Body, 16<<10)
		resp.Body.Close()
		return f.fn(req, &retryhttp.StatusError{StatusCode: resp.StatusCode})
	}
	return resp, nil
}

func (f *fallback) CloseIdleConnections() { closeIdle(f.next) }

func closeIdle(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
