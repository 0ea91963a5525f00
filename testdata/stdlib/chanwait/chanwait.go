package chanwait

import (
	"context"
	"net/http"
	"sync"
	"time"
)

type hub struct {
	updates chan string
	acks    chan bool
	mu      sync.Mutex
	cond    *sync.Cond
	wg      sync.WaitGroup
}

func (h *hub) publish(w http.ResponseWriter, r *http.Request) {
	h.updates <- r.URL.Path // want `chanwait: channel send waits for a receiver`
	<-h.acks                // want `chanwait: channel receive waits on a channel`
	ok, more := <-h.acks    // want `chanwait: channel receive`
	_, _ = ok, more
}

func (h *hub) watch(w http.ResponseWriter, r *http.Request) {
	select { // want `chanwait: select waits on channels without a ctx.Done\(\) case`
	case u := <-h.updates:
		_ = u
	case <-h.acks:
	}
	select {
	case u := <-h.updates:
		_ = u
	case <-r.Context().Done():
	}
	select {
	case h.updates <- "x":
	default:
	}
	<-r.Context().Done()
	local := make(chan int, 1)
	local <- 1                 // a buffered channel made here for this send
	for u := range h.updates { // want `chanwait: channel receive`
		_ = u
	}
}

func (h *hub) wait(w http.ResponseWriter, r *http.Request) {
	h.wg.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait`
	h.mu.Lock()
	h.cond.Wait() // want `chanwait: \(\*sync.Cond\).Wait`
	h.mu.Unlock()
}

func (h *hub) pump() {
	for u := range h.updates { // a worker started from main
		_ = u
		h.acks <- true
	}
}

func Routes(mux *http.ServeMux) {
	h := &hub{updates: make(chan string), acks: make(chan bool)}
	h.cond = sync.NewCond(&h.mu)
	go h.pump()
	mux.HandleFunc("/publish", h.publish)
	mux.HandleFunc("/watch", h.watch)
	mux.HandleFunc("/wait", h.wait)
}

// report has a Done channel of its own: it is not a context, so waiting on it is waiting on a channel.
type report struct{ done chan struct{} }

func (r *report) Done() <-chan struct{} { return r.done }

var reports = map[string]*report{}

func status(w http.ResponseWriter, r *http.Request) {
	rep := reports[r.PathValue("id")]
	<-rep.Done() // want `chanwait: channel receive`
	select {     // a timer case bounds the wait: neither a sleep nor an unbounded wait
	case <-rep.Done():
	case <-time.After(time.Hour):
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	select { // a ticker case bounds it too
	case <-rep.Done():
	case <-tick.C:
	}
	select {
	case <-time.After(time.Second): // want `sleep: receive from time.After`
	}
}

var slots = make(chan struct{}, 4)

// limit is a semaphore middleware: the acquire waits without the context, the release cannot block.
func limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slots <- struct{}{} // want `chanwait: channel send`
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}

func fanout(w http.ResponseWriter, r *http.Request) {
	sem := make(chan struct{}, 2)
	results := make(chan int, 3)
	for i := range 3 {
		sem <- struct{}{} // a buffered channel made here, captured by the goroutines below
		go func() {
			defer func() { <-sem }()
			results <- i
		}()
	}
	for range 3 {
		select {
		case <-results:
		case <-r.Context().Done():
			return
		}
	}
}

func Routes2(mux *http.ServeMux) {
	mux.HandleFunc("/status/{id}", status)
	mux.Handle("/limited", limit(http.HandlerFunc(fanout)))
}

// limiter releases its semaphore in a method of its own.
type limiter struct {
	slots chan struct{} // only ever a buffered channel: a semaphore
	ready chan struct{} // unbuffered, closed when warm: a real wait
}

func (l *limiter) release() { <-l.slots }

func (l *limiter) serve(w http.ResponseWriter, r *http.Request) {
	select {
	case l.slots <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	defer l.release()
	<-l.ready // want `chanwait: channel receive`
}

func Routes3(mux *http.ServeMux) {
	l := &limiter{slots: make(chan struct{}, 8), ready: make(chan struct{})}
	mux.HandleFunc("/serve", l.serve)
}

// relay switches channels in a loop: the channel is a phi that is its own edge.
func (h *hub) relay(w http.ResponseWriter, r *http.Request) {
	src := h.updates
	for i := 0; i < 3; i++ {
		<-src // want `chanwait: channel receive`
		if i == 1 {
			src = make(chan string)
		}
	}
}

func Routes4(mux *http.ServeMux, h *hub) { mux.HandleFunc("/relay", h.relay) }

func lookup(ctx context.Context, key string) string {
	select {
	case <-ctx.Done():
		return ""
	case <-time.After(time.Millisecond):
		return key
	}
}

// produce closes its channel when the context ends: ranging over it is bounded.
func produce(ctx context.Context, keys []string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, k := range keys {
			select {
			case out <- lookup(ctx, k):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func stream(w http.ResponseWriter, r *http.Request) {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, k := range []string{"a", "b"} {
			select {
			case out <- k:
			case <-r.Context().Done():
				return
			}
		}
	}()
	for v := range out { // the producer closes it and watches the context
		_, _ = w.Write([]byte(v))
	}
	leaky := make(chan string)
	go func() { // joined by the range below
		defer close(leaky)
		leaky <- lookup(r.Context(), "c")
		time.Sleep(time.Second)
	}()
	for v := range leaky { // want `chanwait: channel receive`
		_, _ = w.Write([]byte(v))
	}
}

// fan joins goroutines that only do context-aware work: the Wait is bounded.
func fan(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = lookup(r.Context(), k)
		}()
	}
	wg.Wait()
	var slow sync.WaitGroup
	slow.Add(1)
	go func() {
		defer slow.Done()
		time.Sleep(time.Second)
	}()
	slow.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait`
}

// safely runs f, recovering from a panic.
func safely(f func()) {
	defer func() { _ = recover() }()
	f()
}

// wrapped joins goroutines started through a wrapper: the WaitGroup is captured by the closure passed to it.
func wrapped(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	parts := make([]string, 2)
	for i := range parts {
		wg.Add(1)
		go safely(func() {
			defer wg.Done()
			parts[i] = lookup(r.Context(), "part")
		})
	}
	wg.Wait()
}

// wrappedSlow starts a goroutine that sleeps through the same wrapper: its Wait is reported, and wrapped's, whose
// closure is bounded, stays silent (each go statement is judged by the closure it gives the wrapper).
func wrappedSlow(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	wg.Add(1)
	go safely(func() {
		defer wg.Done()
		time.Sleep(time.Second)
	})
	wg.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait`
}

// render fans out to a fixed pool of workers that range over a channel it closes itself: the Wait is bounded.
func render(w http.ResponseWriter, r *http.Request) {
	jobs := make(chan int, 4)
	out := make([]string, 16)
	var wg sync.WaitGroup
	worker := func() {
		defer wg.Done()
		for i := range jobs {
			out[i] = "rendered"
		}
	}
	for range 4 {
		wg.Add(1)
		go worker()
	}
	for i := range out {
		jobs <- i // a buffered channel made here
	}
	close(jobs)
	wg.Wait()
	open := make(chan int, 4)
	var stuck sync.WaitGroup
	stuck.Add(1)
	go func() {
		defer stuck.Done()
		for i := range open { // never closed
			out[i] = "never"
		}
	}()
	open <- 1
	stuck.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait`
}

func Routes5(mux *http.ServeMux) {
	mux.HandleFunc("/render", render)
	mux.HandleFunc("/wrapped", wrapped)
	mux.HandleFunc("/wrapped-slow", wrappedSlow)
	mux.HandleFunc("/stream", stream)
	mux.HandleFunc("/fan", fan)
}

// A bouncer hands bounces to a worker through a queue: a field that only ever holds a buffered channel, drained by
// the worker's range loop. A send waits only when the worker falls 1000 bounces behind: backpressure by design,
// not reported.
type bouncer struct {
	queue chan string
	// jobs is unbuffered: every send waits for the worker to be free.
	jobs chan string
	// results is buffered, but nothing drains it in a loop: once full, a send waits for good.
	results chan string
	// writes is buffered and drained by a per-connection writer that stops when a write fails, as gotify's
	// stream clients are: a stuck client leaves its senders waiting.
	writes chan string
	// tasks is drained by a range loop that returns when a task fails.
	tasks chan string
}

func (b *bouncer) writer(tick <-chan time.Time, write func(string) error) {
	for {
		select {
		case m := <-b.writes:
			if write(m) != nil {
				return
			}
		case <-tick:
		}
	}
}

func (b *bouncer) runTasks(do func(string) error) {
	for t := range b.tasks {
		if do(t) != nil {
			return
		}
	}
}

func newBouncer() *bouncer {
	b := &bouncer{queue: make(chan string, 1000), jobs: make(chan string), results: make(chan string, 10),
		writes: make(chan string, 1), tasks: make(chan string, 100)}
	go b.run()
	go b.writer(time.Tick(time.Second), func(string) error { return nil })
	go b.runTasks(func(string) error { return nil })
	return b
}

func (b *bouncer) run() {
	for x := range b.queue {
		_ = x
	}
	for {
		<-b.jobs
	}
}

func (b *bouncer) last() string { return <-b.results } // one receive, in no loop

func (b *bouncer) record(w http.ResponseWriter, r *http.Request) {
	b.queue <- r.URL.Path
	b.jobs <- r.URL.Path    // want `chanwait: channel send waits for a receiver`
	b.results <- r.URL.Path // want `chanwait: channel send waits for a receiver`
	b.writes <- r.URL.Path  // want `chanwait: channel send waits for a receiver`
	b.tasks <- r.URL.Path   // want `chanwait: channel send waits for a receiver`
}

func BounceRoutes(mux *http.ServeMux) {
	b := newBouncer()
	mux.HandleFunc("/bounce", b.record)
	go func() { _ = b.last() }()
}

// firstError asks three lookups at once and stops at the first that fails, as athens' S3 checker does: each
// goroutine sends its one result on a buffered channel sized for all of them, so the receive waits only on
// lookups that honour the request's context.
func firstError(w http.ResponseWriter, r *http.Request) {
	keys := []string{"info", "mod", "zip"}
	errs := make(chan string, len(keys))
	for _, k := range keys {
		go func() {
			errs <- lookup(r.Context(), k)
		}()
	}
	for range keys {
		if v := <-errs; v == "" {
			break
		}
	}
	// The same through a helper closure that the goroutines run (athens' Upload: go saveOrAbort(...)).
	done := make(chan string, len(keys))
	save := func(k string) {
		select {
		case done <- lookup(r.Context(), k):
		case <-r.Context().Done():
			done <- ""
		}
	}
	for _, k := range keys {
		go save(k)
	}
	for range keys {
		_ = <-done
	}
}

// firstErrorLooping has look-alikes that still wait without bound: a goroutine that keeps sending on a channel
// with room for one value fills it and then waits for good, and a receive from a goroutine that sleeps first.
func firstErrorLooping(w http.ResponseWriter, r *http.Request) {
	ticks := make(chan string, 1)
	go func() {
		for _, k := range []string{"a", "b", "c"} {
			ticks <- lookup(r.Context(), k)
		}
	}()
	_ = <-ticks // want `chanwait: channel receive`
	late := make(chan string, 1)
	go func() {
		time.Sleep(time.Second)
		late <- "late"
	}()
	_ = <-late // want `chanwait: channel receive`
}

func Routes6(mux *http.ServeMux) {
	mux.HandleFunc("/first-error", firstError)
	mux.HandleFunc("/first-error-looping", firstErrorLooping)
}
