package compose

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/deadline"
	"github.com/blockcheck/blockcheck/shim/internal/shared"
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

// server is the inbound stack; a zero field leaves its layer out.
type server struct {
	obs       monitor.Observer
	rateLimit *ratelimit.Limiter
	limit     Limit
	breaker   *breaker.Breaker
	timeout   time.Duration
	deadline  []deadline.Option
}

// ServerOption adds a layer to the inbound stack built by [Handler].
type ServerOption func(*server)

// WithObserver wraps the whole stack with [monitor.Middleware].
func WithObserver(obs monitor.Observer) ServerOption { return func(s *server) { s.obs = obs } }

// WithRateLimit refuses clients over their rate with 429.
func WithRateLimit(l *ratelimit.Limiter) ServerOption { return func(s *server) { s.rateLimit = l } }

// WithLimit bounds the handlers running at once, refusing with 503.
func WithLimit(l Limit) ServerOption { return func(s *server) { s.limit = l } }

// WithBreaker refuses requests with 503 while the handler keeps failing.
func WithBreaker(b *breaker.Breaker) ServerOption { return func(s *server) { s.breaker = b } }

// WithDeadline gives each request a deadline with [deadline.Middleware] and
// opts. A timeout of zero or less leaves the deadline out.
func WithDeadline(timeout time.Duration, opts ...deadline.Option) ServerOption {
	return func(s *server) { s.timeout, s.deadline = timeout, opts }
}

// Handler returns h wrapped in the layers opts name, in the order the
// package documentation gives, whatever the order of opts. The components
// keep their own configuration (observers, waits, Retry-After); Handler only
// puts them in order.
func Handler(h http.Handler, opts ...ServerOption) http.Handler {
	var s server
	for _, o := range opts {
		o(&s)
	}
	if s.timeout > 0 {
		h = deadline.Middleware(s.timeout, h, s.deadline...)
	}
	if s.breaker != nil {
		h = s.breaker.Middleware(h)
	}
	if s.limit != nil {
		h = s.limit.Middleware(h)
	}
	if s.rateLimit != nil {
		h = s.rateLimit.Middleware(h)
	}
	if s.obs != nil {
		h = monitor.Middleware(s.obs, h)
	}
	return h
}

// client is the outbound stack; a zero field leaves its layer out.
type client struct {
	retry          []retryhttp.Option
	retrying       bool
	limit          *adaptive.Limiter
	breaker        *breaker.Breaker
	attemptTimeout time.Duration
	fallback       func(*http.Request, error) (*http.Response, error)
}

// ClientOption adds a layer to the outbound stack built by [Transport].
type ClientOption func(*client)

// WithRetry retries through [retryhttp.New] with opts: give it the
// service's shared [retryhttp.WithBudget] and a [retryhttp.WithTimeout] for
// the whole exchange. Without opts it retries with retryhttp's defaults.
func WithRetry(opts ...retryhttp.Option) ClientOption {
	return func(c *client) { c.retry, c.retrying = opts, true }
}

// WithClientLimit bounds the attempts in flight; its refusals return
// [adaptive.ErrLimited] and are not retried.
func WithClientLimit(l *adaptive.Limiter) ClientOption { return func(c *client) { c.limit = l } }

// WithClientBreaker stops sending while the service keeps failing; its
// refusals return [*breaker.OpenError] and are not retried.
func WithClientBreaker(b *breaker.Breaker) ClientOption { return func(c *client) { c.breaker = b } }

// WithAttemptTimeout bounds each attempt, from sending to the end of its
// response body. Zero or less leaves it out.
func WithAttemptTimeout(d time.Duration) ClientOption {
	return func(c *client) { c.attemptTimeout = d }
}

// WithFallback answers in place of the stack when it ends in an error, or in
// a response that [retryhttp.Retryable] judges a failure (429, 502, 503,
// 504), which is then closed and passed as a [*retryhttp.StatusError]. fn
// runs with the request's context.
func WithFallback(fn func(req *http.Request, err error) (*http.Response, error)) ClientOption {
	return func(c *client) { c.fallback = fn }
}

// Transport returns base (or [http.DefaultTransport] if base is nil) wrapped
// in the layers opts name, in the order the package documentation gives,
// whatever the order of opts.
func Transport(base http.RoundTripper, opts ...ClientOption) http.RoundTripper {
	var c client
	for _, o := range opts {
		o(&c)
	}
	rt := base
	if rt == nil {
		rt = http.DefaultTransport
	}
	if c.attemptTimeout > 0 {
		rt = &attemptTimeout{next: rt, d: c.attemptTimeout}
	}
	if c.breaker != nil {
		rt = c.breaker.Transport(rt)
	}
	if c.limit != nil {
		rt = c.limit.Transport(rt)
	}
	if c.retrying {
		rt = retryhttp.New(rt, c.retry...)
	}
	if c.fallback != nil {
		rt = &fallback{next: rt, fn: c.fallback}
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
	resp.Body = shared.OnBodyDone(resp.Body, cancel)
	return resp, nil
}

func (t *attemptTimeout) CloseIdleConnections() { closeIdle(t.next) }

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
