package watchdog

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"net/http"
	"reflect"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for [New].
const (
	DefaultThreshold       = 5 * time.Second
	DefaultInterval        = time.Second
	DefaultMaxProfileBytes = 4 << 20
	DefaultMaxReports      = 20
	DefaultMaxOverhead     = 0.01
)

// maxStack bounds the frames kept in a report.
const maxStack = 32

// Reporter receives the slow requests found by one check.
type Reporter interface {
	Report(reports []Report)
}

// ReporterFunc adapts a function to [Reporter].
type ReporterFunc func(reports []Report)

// Report calls f(reports).
func (f ReporterFunc) Report(reports []Report) { f(reports) }

// Watchdog tracks in-flight requests and reports where slow ones are stuck.
// It is safe for concurrent use.
type Watchdog struct {
	threshold   time.Duration
	interval    time.Duration
	maxBytes    int
	maxReports  int
	maxOverhead float64
	reporter    Reporter
	route       func(*http.Request) string

	marker string // the function name of track, the middleware's own frame
	prefix string // makes request ids unique to this Watchdog
	seq    atomic.Uint64

	mu       sync.Mutex
	inflight map[string]*request
	last     []Report
	lastAt   time.Time
	lastSlow int           // slow requests found by the last check, reported or not
	lastCost time.Duration // what the last profile took, parse included

	checkMu  sync.Mutex // serialises checks; guards buf and next
	buf      limitedBuffer
	next     time.Time // no profile before then
	profiles atomic.Uint64

	now func() time.Time // time.Now; tests inject a clock
}

type request struct {
	id, route, method, path string
	start                   time.Time
}

// Option configures a [Watchdog].
type Option func(*Watchdog)

// WithThreshold sets how long a request runs before it counts as slow. The
// default is [DefaultThreshold].
func WithThreshold(d time.Duration) Option { return func(w *Watchdog) { w.threshold = d } }

// WithInterval sets how often the loop checks, and so the least time between
// two profiles. The default is [DefaultInterval].
func WithInterval(d time.Duration) Option { return func(w *Watchdog) { w.interval = d } }

// WithMaxProfileBytes caps the goroutine profile read at each check; the rest
// is discarded. The default is [DefaultMaxProfileBytes].
func WithMaxProfileBytes(n int) Option { return func(w *Watchdog) { w.maxBytes = n } }

// WithMaxReports caps how many slow requests a check reports, the longest
// running first (default [DefaultMaxReports]; values below 1 mean 1). Only
// these are looked up in the profile and symbolised, so the cost of a check
// beyond the profile itself does not grow with the number of slow requests.
func WithMaxReports(n int) Option { return func(w *Watchdog) { w.maxReports = max(n, 1) } }

// WithMaxOverhead caps the share of one core that profiling may take
// (default [DefaultMaxOverhead], 1%): after a profile that took d, the next
// is taken no sooner than d/frac later, even when the interval is shorter.
// A goroutine profile costs in proportion to the number of goroutines, so
// during an incident with thousands of stuck requests checks become rarer
// rather than eating the CPU the service needs to recover. Values outside
// (0, 1] mean the default.
func WithMaxOverhead(frac float64) Option {
	return func(w *Watchdog) {
		if frac > 0 && frac <= 1 {
			w.maxOverhead = frac
		}
	}
}

// WithReporter sends the reports of each check that finds slow requests to r.
func WithReporter(r Reporter) Option { return func(w *Watchdog) { w.reporter = r } }

// WithRoute names a request's route when [http.Request.Pattern] is not set
// yet, which is the case when the middleware wraps the mux rather than each
// route; for a ServeMux, pass a function that calls its Handler method. It is
// called when the request arrives. Without it, such requests are named by
// method and path.
func WithRoute(route func(*http.Request) string) Option {
	return func(w *Watchdog) { w.route = route }
}

// New returns a Watchdog. It watches nothing until its middleware serves
// requests, and checks only when asked ([Watchdog.Check]) or once started
// ([Watchdog.Start]).
func New(opts ...Option) *Watchdog {
	w := &Watchdog{
		threshold:   DefaultThreshold,
		interval:    DefaultInterval,
		maxBytes:    DefaultMaxProfileBytes,
		maxReports:  DefaultMaxReports,
		maxOverhead: DefaultMaxOverhead,
		inflight:    make(map[string]*request),
		now:         time.Now,
	}
	for _, o := range opts {
		o(w)
	}
	w.interval = max(w.interval, time.Millisecond)
	w.marker = runtime.FuncForPC(reflect.ValueOf((*Watchdog).track).Pointer()).Name()
	w.prefix = strconv.FormatUint(new(maphash.Hash).Sum64()&0xffffff, 36) + "-"
	return w
}

// Middleware returns a handler that labels and tracks each request served by
// next.
func (w *Watchdog) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		route := r.Pattern
		if route == "" && w.route != nil {
			route = w.route(r)
		}
		if route == "" {
			route = r.Method + " " + r.URL.Path
		}
		req := &request{
			id:     w.prefix + strconv.FormatUint(w.seq.Add(1), 10),
			route:  route,
			method: r.Method,
			path:   r.URL.Path,
			start:  w.now(),
		}
		w.mu.Lock()
		w.inflight[req.id] = req
		w.mu.Unlock()
		defer func() {
			w.mu.Lock()
			delete(w.inflight, req.id)
			w.mu.Unlock()
		}()
		w.track(next, rw, r, req)
	})
}

// track runs the handler under the request's labels. Its frame is how a
// profile record is known to be the request's own goroutine.
//
//go:noinline
func (w *Watchdog) track(next http.Handler, rw http.ResponseWriter, r *http.Request, req *request) {
	pprof.Do(r.Context(), pprof.Labels("req", req.id, "route", req.route), func(ctx context.Context) {
		r2 := r.WithContext(ctx)
		next.ServeHTTP(rw, r2)
		// ServeMux set the pattern on the copy; show it to outer middleware.
		r.Pattern = r2.Pattern
	})
}

// InFlight returns the number of requests in flight.
func (w *Watchdog) InFlight() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.inflight)
}

// Start runs the check loop on its own goroutine until ctx is done, and
// returns a channel closed when the loop has stopped.
func (w *Watchdog) Start(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(w.interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				w.Check()
			}
		}
	}()
	return done
}

// Check looks for requests running past the threshold and, if there are any,
// takes a goroutine profile and reports where the longest running of them
// (at most [WithMaxReports]) are waiting, to the Reporter and for
// [Watchdog.Reports]. It returns the last reports instead of profiling again
// if the last profile is less than 0.9 of an interval old, or more recent
// than the overhead cap allows ([WithMaxOverhead]).
func (w *Watchdog) Check() []Report {
	w.checkMu.Lock()
	defer w.checkMu.Unlock()
	now := w.now()
	if now.Before(w.next) {
		return w.Reports()
	}
	slow, total := w.slow(now)
	if len(slow) == 0 {
		w.setLast(nil, 0, 0, now)
		return nil
	}
	w.profiles.Add(1)
	w.buf.reset(w.maxBytes)
	// The writer never fails; an error here would only be a short profile.
	_ = pprof.Lookup("goroutine").WriteTo(&w.buf, 1)
	found := findRecords(w.buf.Bytes(), w.marker, slow)
	reports := make([]Report, 0, len(slow))
	for _, req := range slow {
		rep := Report{
			ID:      req.id,
			Route:   req.route,
			Method:  req.method,
			Path:    req.path,
			Started: req.start,
			Elapsed: now.Sub(req.start),
			Wait:    WaitUnknown,
		}
		if pcs, ok := found[req.id]; ok {
			frames := symbolize(pcs)
			rep.Wait, rep.WaitFrame, rep.Frame = classify(frames)
			rep.Stack = frames[:min(len(frames), maxStack)]
		}
		reports = append(reports, rep)
	}
	cost := w.now().Sub(now)
	// A tenth of slack so that a ticker firing a little early is not
	// refused every other time; and no more than maxOverhead of a core.
	w.next = now.Add(max(w.interval-w.interval/10, time.Duration(float64(cost)/w.maxOverhead)))
	w.setLast(reports, total, cost, now)
	if w.reporter != nil {
		w.reporter.Report(reports)
	}
	return reports
}

// slow returns the longest running of the requests past the threshold, at
// most maxReports of them, longest first, and how many there are in all.
func (w *Watchdog) slow(now time.Time) ([]request, int) {
	w.mu.Lock()
	var out []request
	for _, req := range w.inflight {
		if now.Sub(req.start) >= w.threshold {
			out = append(out, *req)
		}
	}
	w.mu.Unlock()
	slices.SortFunc(out, func(a, b request) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	return out[:min(len(out), w.maxReports)], len(out)
}

func (w *Watchdog) setLast(r []Report, slow int, cost time.Duration, at time.Time) {
	w.mu.Lock()
	w.last, w.lastAt, w.lastSlow = r, at, slow
	if cost > 0 {
		w.lastCost = cost
	}
	w.mu.Unlock()
}

// Reports returns the reports of the last check; nil if it found no slow
// request.
func (w *Watchdog) Reports() []Report {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.last)
}

// Handler returns a handler that serves the last check's reports as JSON,
// with the number of requests in flight.
func (w *Watchdog) Handler() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		w.mu.Lock()
		body := struct {
			CheckedAt time.Time `json:"checked_at"`
			InFlight  int       `json:"in_flight"`
			Threshold string    `json:"threshold"`
			SlowTotal int       `json:"slow_total"` // slow requests found, reported or not
			CheckCost string    `json:"check_cost"` // what the last profile took
			Slow      []Report  `json:"slow"`
		}{w.lastAt, len(w.inflight), w.threshold.String(), w.lastSlow, w.lastCost.String(), slices.Clone(w.last)}
		w.mu.Unlock()
		if body.Slow == nil {
			body.Slow = []Report{}
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(rw)
		enc.SetIndent("", "  ")
		_ = enc.Encode(body) // headers are out; nothing left to do on error
	})
}

// Wait is what a slow request's goroutine is waiting on.
type Wait string

// The kinds of wait, as described in the package documentation.
const (
	WaitSleep        Wait = "sleep"
	WaitLock         Wait = "lock"
	WaitNetwork      Wait = "network"
	WaitOutboundHTTP Wait = "outbound-http"
	WaitChannel      Wait = "channel"
	WaitSelect       Wait = "select"
	WaitSyscall      Wait = "syscall"
	WaitRunning      Wait = "running"
	WaitUnknown      Wait = "unknown"
)

// Frame is one frame of a stack.
type Frame struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

func (f Frame) String() string {
	if f.Function == "" {
		return ""
	}
	return fmt.Sprintf("%s (%s:%d)", f.Function, f.File, f.Line)
}

// Report describes a slow request and where it is stuck.
type Report struct {
	ID      string        `json:"id"`    // the request's "req" pprof label
	Route   string        `json:"route"` // the "route" label
	Method  string        `json:"method"`
	Path    string        `json:"path"`
	Started time.Time     `json:"started"`
	Elapsed time.Duration `json:"-"`
	Wait    Wait          `json:"wait"`
	// WaitFrame is the standard library frame that shows the wait, such
	// as "time.Sleep" or "sync.(*Mutex).Lock"; empty for running.
	WaitFrame string `json:"wait_frame,omitempty"`
	// Frame is the first frame outside the standard library: where the
	// request's own code waits.
	Frame Frame `json:"frame"`
	// Stack is the goroutine's stack, innermost first, at most 32 frames.
	Stack []Frame `json:"stack,omitempty"`
}

// MarshalJSON adds the elapsed time as a string such as "6.2s".
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	return json.Marshal(struct {
		plain
		Elapsed string `json:"elapsed"`
	}{plain(r), r.Elapsed.Round(time.Millisecond).String()})
}

func (r Report) String() string {
	return fmt.Sprintf("%s %s (%s) running %v, %s at %s", r.Method, r.Path, r.Route,
		r.Elapsed.Round(time.Millisecond), r.Wait, r.Frame)
}

// limitedBuffer keeps the first max bytes written and discards the rest
// without failing, so that the profile writer never stops half-way through
// with an error.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) reset(max int) {
	b.Reset()
	b.max = max
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
