package deadline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

// Option configures [Middleware].
type Option func(*config)

type config struct {
	status     int
	retryAfter string
	grace      time.Duration
	obs        monitor.Observer
	route      func(*http.Request) string
}

// DefaultGrace is how long, by default, the middleware waits at the deadline
// for a handler that has started its response to return; see [WithGrace].
const DefaultGrace = 50 * time.Millisecond

// WithGrace sets how long the middleware waits, once the deadline has passed,
// for a handler that has started a response of unknown length (no
// Content-Length) to return (default [DefaultGrace]; negative means 0). A
// handler that returns within the grace, without having had a write refused,
// has finished its response, which then ends normally; otherwise the response
// is cut. The grace covers the race of a handler that wrote its whole answer
// and was returning as the deadline passed. It does not extend the handler's
// context, whose deadline has passed: writes after the deadline are refused.
func WithGrace(d time.Duration) Option { return func(c *config) { c.grace = max(d, 0) } }

// WithStatus sets the status sent when the deadline passes before the
// handler writes headers: [http.StatusServiceUnavailable] (the default) or
// [http.StatusGatewayTimeout], or any other 5xx.
func WithStatus(code int) Option { return func(c *config) { c.status = code } }

// WithRetryAfter sets the Retry-After sent with the timeout status; it is
// rounded up to whole seconds, at least 1. The default is 1 second.
func WithRetryAfter(d time.Duration) Option {
	return func(c *config) { c.retryAfter = shared.RetryAfter(d) }
}

// WithObserver reports timeouts, and panics after them, to obs as errors.
func WithObserver(obs monitor.Observer) Option { return func(c *config) { c.obs = obs } }

// WithRoute names the route of a timed-out request for the observer when
// [http.Request.Pattern] is not set, as when the middleware wraps the mux
// (the mux sets the pattern on the handler's copy of the request, which the
// middleware cannot read while the handler runs); see [monitor.MuxPattern].
func WithRoute(route func(*http.Request) string) Option { return func(c *config) { c.route = route } }

func (c *config) routeOf(r *http.Request) string {
	if r.Pattern == "" && c.route != nil {
		return c.route(r)
	}
	return r.Pattern
}

// Middleware returns a handler that runs next with a context that ends after
// timeout, as described in the package documentation. A timeout that is not
// positive has passed already, as with [context.WithTimeout]: the handler
// runs, but the client gets the timeout status unless the handler has
// answered first.
func Middleware(timeout time.Duration, next http.Handler, opts ...Option) http.Handler {
	c := config{status: http.StatusServiceUnavailable, retryAfter: "1", grace: DefaultGrace}
	for _, o := range opts {
		o(&c)
	}
	body := http.StatusText(c.status) + ": request deadline exceeded\n"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		r2 := r.WithContext(ctx)
		tw := &writer{w: w, ctx: ctx, head: r.Method == http.MethodHead, length: -1}
		done := make(chan struct{})
		var panicVal any
		// An outer holder of a resource for this request (a shed slot)
		// keeps it until this goroutine ends, not only until we return.
		hold := shared.Hold(r.Context())
		go func() {
			defer hold()
			defer func() {
				if p := recover(); p != nil {
					panicVal = p
					tw.mu.Lock()
					late := tw.timedOut
					tw.mu.Unlock()
					if late && c.obs != nil && p != http.ErrAbortHandler {
						c.obs.Error(c.routeOf(r), fmt.Errorf("deadline: handler panicked after its deadline: %v", p))
					}
				}
				close(done)
			}()
			next.ServeHTTP(tw, r2)
		}()

		select {
		case <-done:
		case <-ctx.Done():
		}
		clientGone := errors.Is(r.Context().Err(), context.Canceled)
		// Under tw.mu, "finished" and "late" are one decision: a handler
		// that has not returned by now writes nothing more.
		tw.mu.Lock()
		finished := false
		select {
		case <-done:
			finished = true
		default:
			tw.timedOut = true
		}
		if !finished {
			outcome := tw.expireLocked(c.status, c.retryAfter, body, clientGone)
			tw.mu.Unlock()
			if !clientGone && c.obs != nil {
				c.obs.Error(c.routeOf(r), http.ErrHandlerTimeout)
			}
			if outcome == cut && !finishesWithin(done, c.grace, tw) {
				// What the handler wrote is out; the rest never will
				// be. Abort rather than end the response as if it were
				// complete.
				panic(http.ErrAbortHandler)
			}
			return
		}
		tw.mu.Unlock()
		if panicVal != nil {
			panic(panicVal)
		}
		// The handler has returned: tw is ours alone now.
		switch {
		case ctx.Err() != nil && !clientGone && !tw.wroteHeader && !tw.hijacked:
			// It gave up at the deadline without answering.
			tw.expireLocked(c.status, c.retryAfter, body, false)
			if c.obs != nil {
				c.obs.Error(c.routeOf(r), http.ErrHandlerTimeout)
			}
		case tw.refused:
			// Part of its response was refused after the deadline.
			if c.obs != nil {
				c.obs.Error(c.routeOf(r), http.ErrHandlerTimeout)
			}
			tw.flushLocked()
			panic(http.ErrAbortHandler)
		default:
			tw.finish()
		}
		// ServeMux set the pattern on the copy; show it to outer middleware.
		r.Pattern = r2.Pattern
	})
}

// finishesWithin reports whether the handler returns within grace without
// having had a write refused, that is, whether the response it had started
// when the deadline passed was in fact whole.
func finishesWithin(done <-chan struct{}, grace time.Duration, tw *writer) bool {
	if grace <= 0 {
		return false
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		tw.mu.Lock()
		defer tw.mu.Unlock()
		return !tw.refused
	case <-t.C:
		return false
	}
}

// writer stands between the handler and the real ResponseWriter; mu guards
// every use of the real one.
//
// The handler is late, and its writes are refused, once its context is done:
// the context is the one source of lateness for the handler and the
// middleware alike. A handler that sees ctx.Done() and writes its own error
// response finds its write refused, so it cannot slip in before the
// middleware's answer; a handler that writes before the context is done, even
// when the deadline's time has passed and its timer has not fired yet, has
// answered in time and its response stands.
type writer struct {
	mu          sync.Mutex
	w           http.ResponseWriter
	ctx         context.Context
	head        bool        // a HEAD request: no body is due
	h           http.Header // the handler's own header map
	wroteHeader bool
	status      int
	length      int64 // the declared Content-Length, or -1
	written     int64 // body bytes passed on
	timedOut    bool
	refused     bool // a write was refused after the response had started
	hijacked    bool
}

// What the deadline did to the response.
type outcome int

const (
	answered outcome = iota // the middleware sent the timeout status, or nothing was due
	complete                // the handler's response was whole: it stands
	cut                     // the handler's response was unfinished: flushed, to be aborted
)

func (tw *writer) Header() http.Header {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.h == nil {
		tw.h = make(http.Header)
	}
	return tw.h
}

// copyHeader copies the handler's header map into the real one; the values
// are cloned because the handler may go on changing its own.
func (tw *writer) copyHeader() {
	if len(tw.h) == 0 {
		return
	}
	dst := tw.w.Header()
	for k, vv := range tw.h.Clone() {
		dst[k] = vv
	}
}

// expireLocked handles the deadline for a handler that has not returned:
// unless the handler already wrote headers, it answers with the timeout
// status (if the client is still there). A response the handler started
// stands: whole if it is complete, flushed and to be cut if not.
func (tw *writer) expireLocked(status int, retryAfter, body string, clientGone bool) outcome {
	tw.timedOut = true
	switch {
	case tw.hijacked:
		return answered
	case tw.wroteHeader:
		if clientGone {
			return answered
		}
		tw.flushLocked()
		if tw.completeLocked() {
			return complete
		}
		return cut
	case clientGone:
		return answered
	}
	h := tw.w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Retry-After", retryAfter)
	tw.w.WriteHeader(status)
	_, _ = io.WriteString(tw.w, body)
	return answered
}

// completeLocked reports whether the response written so far is all there is
// to it: no body is due, or the declared Content-Length is written.
func (tw *writer) completeLocked() bool {
	switch {
	case tw.head, tw.status == http.StatusNoContent, tw.status == http.StatusNotModified:
		return true
	case tw.length >= 0:
		return tw.written == tw.length
	}
	return false
}

// flushLocked sends what the handler wrote, so that its status and body reach
// the client even when the response is then cut.
func (tw *writer) flushLocked() {
	_ = http.NewResponseController(tw.w).Flush()
}

// lateLocked reports whether the handler may no longer write.
func (tw *writer) lateLocked() bool {
	return tw.timedOut || tw.ctx.Err() != nil
}

func (tw *writer) WriteHeader(code int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.lateLocked() || tw.wroteHeader || tw.hijacked {
		return
	}
	tw.writeHeaderLocked(code)
}

func (tw *writer) writeHeaderLocked(code int) {
	tw.copyHeader()
	tw.w.WriteHeader(code)
	// 1xx other than 101 are informational; the final status comes later.
	if code >= 200 || code == http.StatusSwitchingProtocols {
		tw.wroteHeader = true
		tw.status = code
		if n, err := strconv.ParseInt(tw.h.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
			tw.length = n
		}
	}
}

func (tw *writer) Write(p []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.lateLocked() {
		tw.refused = tw.refused || tw.wroteHeader
		return 0, http.ErrHandlerTimeout
	}
	if tw.hijacked {
		return 0, http.ErrHijacked
	}
	if !tw.wroteHeader {
		tw.writeHeaderLocked(http.StatusOK)
	}
	n, err := tw.w.Write(p)
	tw.written += int64(n)
	return n, err
}

// finish runs when the handler has returned in time.
func (tw *writer) finish() {
	if tw.hijacked {
		return
	}
	if !tw.wroteHeader {
		// net/http sends 200 with these headers when the handler returns.
		tw.copyHeader()
		return
	}
	// Headers set after WriteHeader only matter as trailers.
	var declared []string
	for _, v := range tw.h["Trailer"] {
		declared = append(declared, strings.Split(v, ",")...)
	}
	dst := tw.w.Header()
	for k, vv := range tw.h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			dst[k] = vv
			continue
		}
		for _, d := range declared {
			if http.CanonicalHeaderKey(strings.TrimSpace(d)) == k {
				dst[k] = vv
			}
		}
	}
}

// FlushError lets [http.ResponseController] flush through the guard.
func (tw *writer) FlushError() error {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.lateLocked() {
		tw.refused = tw.refused || tw.wroteHeader
		return http.ErrHandlerTimeout
	}
	if tw.hijacked {
		return http.ErrHijacked
	}
	if !tw.wroteHeader {
		tw.writeHeaderLocked(http.StatusOK)
	}
	return http.NewResponseController(tw.w).Flush()
}

// Flush lets handlers that assert [http.Flusher] stream.
func (tw *writer) Flush() { _ = tw.FlushError() }

// Hijack hands the connection over, unless the deadline has passed; after a
// hijack the middleware writes nothing.
func (tw *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.lateLocked() {
		return nil, nil, http.ErrHandlerTimeout
	}
	conn, rw, err := http.NewResponseController(tw.w).Hijack()
	if err == nil {
		tw.hijacked = true
	}
	return conn, rw, err
}

// Unwrap gives [http.ResponseController] the underlying writer for the
// methods writer does not guard itself (deadlines, full duplex); after the
// deadline it returns nil, which ResponseController reports as not supported.
func (tw *writer) Unwrap() http.ResponseWriter {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.lateLocked() {
		return nil
	}
	return tw.w
}
