package breaker

import (
	"errors"
	"net/http"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/internal/statuswriter"
)

// Transport returns a RoundTripper that sends requests through next (or
// [http.DefaultTransport] if next is nil) while the breaker allows it. A
// transport error or a failure status counts as a failure; the response is
// returned to the caller either way. When the breaker refuses, RoundTrip
// returns an [*OpenError] (an [http.Client] wraps it in a *url.Error;
// errors.As finds it).
func (b *Breaker) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{b: b, next: next}
}

type transport struct {
	b    *Breaker
	next http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	err := ctx.Err()
	var done func(error)
	if err == nil {
		done, err = t.b.allow()
	}
	if err != nil {
		// RoundTrip must close the body, even when it sends nothing.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	returned := false
	defer func() {
		if !returned {
			done(errPanic)
		}
	}()
	resp, err := t.next.RoundTrip(req)
	returned = true
	switch {
	case err != nil:
		done(outcome(ctx, err))
	case t.b.failureStatus(resp.StatusCode):
		done(statusError{resp.StatusCode})
	default:
		done(nil)
	}
	return resp, err
}

// CloseIdleConnections lets [http.Client.CloseIdleConnections] reach the
// wrapped transport.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// Middleware returns a handler that calls next while the breaker allows it.
// A status from next that counts as a failure (default: 500 and above), or a
// panic, counts as a failure, unless the client has gone away by then. When
// the breaker refuses, the client gets 503 Service Unavailable with a
// Retry-After header.
func (b *Breaker) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done, err := b.allow()
		if err != nil {
			var oe *OpenError
			errors.As(err, &oe)
			w.Header().Set("Retry-After", shared.RetryAfter(oe.RetryAfter))
			http.Error(w, "service unavailable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		sw := &statuswriter.Writer{ResponseWriter: w}
		returned := false
		defer func() {
			if !returned {
				done(outcome(r.Context(), errPanic))
			}
		}()
		next.ServeHTTP(sw, r)
		returned = true
		if sw.Status != 0 && b.failureStatus(sw.Status) {
			done(outcome(r.Context(), statusError{sw.Status}))
			return
		}
		done(nil)
	})
}
