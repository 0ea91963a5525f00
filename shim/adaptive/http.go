package adaptive

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/internal/statuswriter"
)

// Middleware returns a handler that calls next when it gets a permit, waiting
// up to the time set with [WithWait], and otherwise answers 503 Service
// Unavailable with Retry-After. The handler's latency is the sample; a status
// that counts as a drop ([WithDropStatus]) makes the limit fall; a request
// whose client went away, or whose handler panicked, teaches nothing.
//
// The permit is held until the handler really ends, also when a middleware
// inside, such as [github.com/blockcheck/blockcheck/shim/deadline.Middleware],
// answers at its deadline and returns while the handler runs on.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := l.Acquire(r.Context())
		if err != nil {
			// Answer even when the request's context ended: an outer
			// deadline is not a departed client, and a departed client
			// does not mind.
			if l.obs != nil {
				l.obs.Shed(r.Pattern)
			}
			w.Header().Set("Retry-After", l.retryAfter)
			http.Error(w, "service unavailable: over the concurrency limit", http.StatusServiceUnavailable)
			return
		}
		// The permit is given back when the handler really ends: a
		// middleware inside that runs it on a goroutine of its own and
		// returns first (deadline, at its timeout) holds the lifetime
		// until that goroutine ends, so the bound holds in either order.
		o := ignored // a panic teaches nothing
		ctx, lt := shared.WithLifetime(r.Context(), func() { p.finish(o) })
		defer lt.Release()
		r2 := r.WithContext(ctx)
		sw := &statuswriter.Writer{ResponseWriter: w}
		next.ServeHTTP(sw, r2)
		// ServeMux set the pattern on the copy; show it to outer middleware.
		r.Pattern = r2.Pattern
		switch {
		case errors.Is(r.Context().Err(), context.Canceled):
		case l.dropStatus(sw.Status):
			o = dropped
		default:
			o = done
		}
	})
}

// Transport returns a RoundTripper that sends each request through next (or
// [http.DefaultTransport] if next is nil) under a permit, waiting up to the
// time set with [WithWait]; otherwise RoundTrip returns [ErrLimited]. The time
// to the response's headers is the sample; the permit is held until the body
// is read to the end or closed, so the caller must close it. A status that
// counts as a drop, or a timeout, makes the limit fall; other errors and the
// caller's cancellation teach nothing.
func (l *Limiter) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{l: l, next: next}
}

type transport struct {
	l    *Limiter
	next http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	p, err := t.l.Acquire(req.Context())
	if err != nil {
		// RoundTrip must close the body, even when it sends nothing.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	p.end = t.l.now()
	if err != nil {
		var ne net.Error
		if req.Context().Err() == nil && errors.As(err, &ne) && ne.Timeout() {
			p.Drop()
		} else {
			p.Ignore()
		}
		return nil, err
	}
	o := done
	if t.l.dropStatus(resp.StatusCode) {
		o = dropped
	}
	resp.Body = shared.OnBodyDone(resp.Body, func() { p.finish(o) }) // finish is idempotent
	return resp, nil
}

// CloseIdleConnections lets [http.Client.CloseIdleConnections] reach the
// wrapped transport.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
