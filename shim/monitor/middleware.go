package monitor

import (
	"net/http"
	"time"

	"github.com/blockcheck/blockcheck/shim/internal/statuswriter"
)

// Option configures [Middleware].
type Option func(*config)

type config struct {
	route func(*http.Request) string
}

// WithRoute sets the function that names a request's route when
// [net/http.Request.Pattern] is empty after the handler returns: requests the
// mux did not route, or a mux wrapped in a middleware that copies the request.
// The function is called after the handler returns, on the request's goroutine.
func WithRoute(route func(*http.Request) string) Option {
	return func(c *config) { c.route = route }
}

// MuxPattern returns a route function for [WithRoute] that asks mux which
// pattern matches the request. It routes the request a second time, which
// costs about as much as the mux's own routing.
func MuxPattern(mux *http.ServeMux) func(*http.Request) string {
	return func(r *http.Request) string {
		_, pattern := mux.Handler(r)
		return pattern
	}
}

// Middleware reports each request to obs: [Observer.RequestStarted] when it
// arrives, [Observer.RequestDone] with its route, status and latency when the
// handler returns. A handler that panics is reported with status 500 and the
// panic goes on. If obs is nil, Middleware returns next.
func Middleware(obs Observer, next http.Handler, opts ...Option) http.Handler {
	if obs == nil {
		return next
	}
	var c config
	for _, o := range opts {
		o(&c)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		obs.RequestStarted()
		sw := &statuswriter.Writer{ResponseWriter: w}
		finished := false
		defer func() {
			// Deferred rather than after the call so that a panicking
			// handler is counted too, without recovering its panic.
			status := sw.Status
			if !finished {
				status = http.StatusInternalServerError
			} else if status == 0 {
				status = http.StatusOK
			}
			route := r.Pattern
			if route == "" && c.route != nil {
				route = c.route(r)
			}
			obs.RequestDone(route, status, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
		finished = true
	})
}
