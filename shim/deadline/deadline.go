package deadline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
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
	obs        monitor.Observer
	route      func(*http.Request) string
}

// WithStatus sets the status sent when the deadline passes before the
// handler writes headers: [http.StatusServiceUnavailable] (the default) or
// [http.StatusGatewayTimeout], or any other 5xx.
func WithStatus(code int) Option { return func(c *config) { c.status = code } }

// WithRetryAfter sets the Retry-After sent with the timeout status; it is
// rounded up to whole seconds, at least 1. The default is 1 second.
func WithRetryAfter(d time.Duration) Option {
	return func(c *config) { c.retryAfter = strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))) }
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
// timeout, as described in the package documentation. It panics if timeout is
// not positive.
func Middleware(timeout time.Duration, next http.Handler, opts ...Option) http.Handler {
	if timeout <= 0 {
		panic(fmt.Sprintf("deadline: timeout %v, must be positive", timeout))
	}
	c := config{status: http.StatusServiceUnavailable, retryAfter: "1"}
	for _, o := range opts {
		o(&c)
	}
	body := http.StatusText(c.status) + ": request deadline exceeded\n"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		dl, _ := ctx.Deadline() // ours, or the parent's if that is earlier
		r2 := r.WithContext(ctx)
		tw := &writer{w: w, deadline: dl}
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
		finished := false
		select {
		case <-done:
			finished = true
		default:
		}
		clientGone := r.Context().Err() == context.Canceled
		if !finished {
			unfinished := tw.expire(c.status, c.retryAfter, body, clientGone)
			if !clientGone && c.obs != nil {
				c.obs.Error(c.routeOf(r), http.ErrHandlerTimeout)
			}
			if unfinished {
				// The handler's status is out and its body unfinished:
				// abort rather than end the response as if complete.
				panic(http.ErrAbortHandler)
			}
			return
		}
		if panicVal != nil {
			panic(panicVal)
		}
		// The handler has returned: tw is ours alone now.
		switch {
		case ctx.Err() != nil && !clientGone && !tw.wroteHeader && !tw.hijacked:
			// It gave up at the deadline without answering.
			tw.expire(c.status, c.retryAfter, body, false)
			if c.obs != nil {
				c.obs.Error(c.routeOf(r), http.ErrHandlerTimeout)
			}
		case tw.refused:
			// Part of its response was refused after the deadline.
			if c.obs != nil {
				c.obs.Error(c.routeOf(r), http.ErrHandlerTimeout)
			}
			panic(http.ErrAbortHandler)
		default:
			tw.finish()
		}
		// ServeMux set the pattern on the copy; show it to outer middleware.
		r.Pattern = r2.Pattern
	})
}

// writer stands between the handler and the real ResponseWriter; mu guards
// every use of the real one.
//
// Writes are refused from the deadline on, checked against the clock rather
// than against timedOut: a handler that sees ctx.Done() and writes its own
// error response must not win the race against the middleware's answer, or
// the middleware would find headers written and have to abort.
type writer struct {
	mu          sync.Mutex
	w           http.ResponseWriter
	deadline    time.Time
	h           http.Header // the handler's own header map
	wroteHeader bool
	timedOut    bool
	refused     bool // a write was refused after the response had started
	hijacked    bool
}

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

// expire marks the deadline as passed and, unless the handler already wrote
// headers, answers with the timeout status (if the client is still there). It
// reports whether the handler had written headers, that is, whether the
// response is unfinished.
func (tw *writer) expire(status int, retryAfter, body string, clientGone bool) (unfinished bool) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.timedOut = true
	if tw.hijacked {
		return false
	}
	if tw.wroteHeader {
		return !clientGone
	}
	if !clientGone {
		h := tw.w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Retry-After", retryAfter)
		tw.w.WriteHeader(status)
		_, _ = io.WriteString(tw.w, body)
	}
	return false
}

// lateLocked reports whether the handler may no longer write.
func (tw *writer) lateLocked() bool {
	return tw.timedOut || !time.Now().Before(tw.deadline)
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
	return tw.w.Write(p)
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
