package monitor

import (
	"bufio"
	"net"
	"net/http"
	"time"
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
		sw := &statusWriter{ResponseWriter: w}
		finished := false
		defer func() {
			// Deferred rather than after the call so that a panicking
			// handler is counted too, without recovering its panic.
			status := sw.status
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

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	// 1xx other than 101 are informational; the final status comes later.
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets handlers that assert [http.Flusher] stream through the wrapper.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack lets handlers that assert [http.Hijacker] (WebSocket libraries)
// take the connection through the wrapper.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}

// Unwrap gives [http.ResponseController] the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
