package gospawn

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// notify stands for work that waits: a sleep whose length depends on its argument.
func notify(id string) { time.Sleep(time.Duration(len(id)) * time.Millisecond) }

func fireAndForget(w http.ResponseWriter, r *http.Request) {
	go notify(r.URL.Path) // want `gospawn: go statement starts a goroutine for each request`
	go func() {           // want `gospawn: go statement`
		notify("x")
	}()
}

func joined(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	for _, id := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			notify(id)
		}()
	}
	wg.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait waits for goroutines without looking at the request's context`
}

func result(w http.ResponseWriter, r *http.Request) {
	done := make(chan string)
	go func() {
		notify("y")
		done <- "ok"
	}()
	select {
	case <-done:
	case <-r.Context().Done():
	}
}

var sem = make(chan struct{}, 8)

func limited(w http.ResponseWriter, r *http.Request) {
	select {
	case sem <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	go func() {
		defer func() { <-sem }()
		notify("z")
	}()
}

func worker(jobs <-chan string) {
	for j := range jobs {
		go notify(j) // a worker started from main is not on a request path
	}
}

func Routes(mux *http.ServeMux) {
	go worker(make(chan string))
	mux.HandleFunc("/fire", fireAndForget)
	mux.HandleFunc("/joined", joined)
	mux.HandleFunc("/result", result)
	mux.HandleFunc("/limited", limited)
	mux.HandleFunc("/drain", drain)
	mux.HandleFunc("/ticker", ticking)
	mux.HandleFunc("/undrained", undrained)
	g := &guarded{}
	mux.HandleFunc("/guarded", g.start)
	mux.HandleFunc("/swapped", g.swap)
	mux.HandleFunc("/action", startAction)
	mux.HandleFunc("/job", startJob)
}

func lookup(ctx context.Context, key string) string {
	select {
	case <-ctx.Done():
		return ""
	case <-time.After(time.Millisecond):
		return key
	}
}

// results selects on the request's context at every wait: it ends with the request.
func results(ctx context.Context, keys []string) <-chan string {
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

func drain(w http.ResponseWriter, r *http.Request) {
	for v := range results(r.Context(), []string{"a", "b"}) {
		_, _ = w.Write([]byte(v))
	}
}

// ticking's goroutine stops when the handler returns: its stop channel is closed by a defer.
func ticking(w http.ResponseWriter, r *http.Request) {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				notify("tick")
			}
		}
	}()
	_ = lookup(r.Context(), "work")
}

// undrained's goroutine is stopped by nothing.
func undrained(w http.ResponseWriter, r *http.Request) {
	stop := make(chan struct{})
	go func() { // want `gospawn: go statement`
		for {
			select {
			case <-stop:
				return
			default:
				notify("spin")
			}
		}
	}()
}

// guarded starts at most one refresher for the process: a single-instance guard.
type guarded struct {
	mu      sync.Mutex
	running bool
	started atomic.Bool
}

func (g *guarded) start(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	if g.running {
		g.mu.Unlock()
		return
	}
	g.running = true
	g.mu.Unlock()
	go func() {
		defer func() { g.mu.Lock(); g.running = false; g.mu.Unlock() }()
		notify("refresh")
	}()
}

func (g *guarded) swap(w http.ResponseWriter, r *http.Request) {
	if !g.started.CompareAndSwap(false, true) {
		return
	}
	go notify("once")
}

// run guards itself: at most one instance of each action runs, whoever starts it.
type action struct{ running bool }

var (
	actionsMu sync.Mutex
	actions   [4]action
)

func setRunning(i int, v bool) { actions[i].running = v }

func run(i int) {
	actionsMu.Lock()
	if actions[i].running {
		actionsMu.Unlock()
		return
	}
	setRunning(i, true)
	actionsMu.Unlock()
	defer func() { actionsMu.Lock(); setRunning(i, false); actionsMu.Unlock() }()
	notify("action")
}

func startAction(w http.ResponseWriter, r *http.Request) {
	go run(1)
}

// runJob guards itself with a map of statuses, as opengist's actions.Run does.
type status struct{ running bool }

var (
	jobsMu sync.Mutex
	jobs   = map[int]status{}
)

func setJob(i int, v bool) { jobs[i] = status{running: v} }

func runJob(i int) {
	jobsMu.Lock()
	if jobs[i].running {
		jobsMu.Unlock()
		return
	}
	setJob(i, true)
	jobsMu.Unlock()
	defer func() { jobsMu.Lock(); setJob(i, false); jobsMu.Unlock() }()
	notify("job")
}

func startJob(w http.ResponseWriter, r *http.Request) {
	go runJob(2)
	go notify("unguarded") // want `gospawn: go statement`
}

// throttle records when a user last forced a refresh, as a web session does.
type throttle struct{ last time.Time }

func (t *throttle) mark() { t.last = time.Now() }

// refreshAll starts the refresh under a rate limit: only when enough time has passed since the last one, which it
// then records. At most one goroutine per interval.
func (t *throttle) refreshAll(w http.ResponseWriter, r *http.Request) {
	if time.Since(t.last) < time.Minute {
		http.Error(w, "too many refreshes", http.StatusTooManyRequests)
		return
	}
	go notify("refresh")
	t.mark()
}

// refreshSome checks the time but never records it: nothing limits the goroutines.
func (t *throttle) refreshSome(w http.ResponseWriter, r *http.Request) {
	if time.Since(t.last) < time.Minute {
		return
	}
	go notify("refresh") // want `gospawn: go statement`
}

func Routes6(mux *http.ServeMux) {
	t := &throttle{}
	mux.HandleFunc("/refresh-all", t.refreshAll)
	mux.HandleFunc("/refresh-some", t.refreshSome)
}

// registry's goroutines reach nothing that waits: a mutex and a map insert, one local file write. They end on
// their own, however many requests start them.
type registry struct {
	mu    sync.Mutex
	seen  map[string]time.Time
	cache string
}

func (g *registry) remember(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seen[id] = time.Now()
}

func (g *registry) touch(w http.ResponseWriter, r *http.Request) {
	go g.remember(r.URL.Path)
	go func() {
		_ = os.WriteFile(g.cache, []byte(r.URL.Path), 0o600)
	}()
}

// forward's goroutine waits on the network with no context: it is still reported.
func (g *registry) forward(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		g.remember("forward")
		resp, err := http.Get("http://127.0.0.1:1/poll")
		if err == nil {
			_ = resp.Body.Close()
		}
	}()
}

// sweep's goroutine only touches the map, but on a ticker forever: waiting on the ticker keeps it alive.
func (g *registry) sweep(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		t := time.NewTicker(time.Minute)
		for range t.C {
			g.remember("sweep")
		}
	}()
}

// indexer is kept in an atomic.Pointer, as opengist keeps its search index: the call graph may not see through it.
type indexer interface{ Remove(id string) error }

type remote struct{}

func (remote) Remove(id string) error { notify(id); return nil }

var current atomic.Pointer[indexer]

// unindex's goroutine calls through the interface: what it reaches may wait, so it is still reported.
func (g *registry) unindex(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		if idx := current.Load(); idx != nil {
			_ = (*idx).Remove(r.URL.Path)
		}
	}()
}

func Routes7(mux *http.ServeMux) {
	var idx indexer = remote{}
	current.Store(&idx)
	g := &registry{seen: map[string]time.Time{}}
	mux.HandleFunc("/unindex", g.unindex)
	mux.HandleFunc("/sweep", g.sweep)
	mux.HandleFunc("/touch", g.touch)
	mux.HandleFunc("/forward", g.forward)
}

// keepAlive's ticker goroutine stops when the stop function it returns is called, as filebrowser's upload
// handler does with defer stop().
func keepAlive(id string) func() {
	stop := make(chan bool)
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				notify(id)
			}
		}
	}()
	return func() { close(stop) }
}

// keepAliveLeaky returns a stop function that closes another channel: nothing stops its goroutine.
func keepAliveLeaky(id string) func() {
	stop, other := make(chan bool), make(chan bool)
	go func() { // want `gospawn: go statement`
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				notify(id)
			}
		}
	}()
	return func() { close(other) }
}

func upload(w http.ResponseWriter, r *http.Request) {
	stop := keepAlive(r.URL.Path)
	defer stop()
	leaky := keepAliveLeaky(r.URL.Path)
	defer leaky()
}

func Routes8(mux *http.ServeMux) { mux.HandleFunc("/upload", upload) }

// runHook starts a command and reaps it in the background, as filebrowser's runner does: the goroutine waits on
// the process it started, which nocancel judges at the Start; it is not the goroutine's own wait.
func runHook(name string) error {
	cmd := exec.Command(name)
	defer func() {
		go func() {
			if err := cmd.Wait(); err != nil {
				log.Printf("hook %s: %v", name, err)
			}
		}()
	}()
	return cmd.Start()
}

// reapLater waits on a command it never started, then sleeps: reported.
func reapLater(cmd *exec.Cmd) {
	go func() { // want `gospawn: go statement`
		_ = cmd.Wait()
		time.Sleep(time.Minute)
	}()
}

// startHook reaps the process with go cmd.Wait() right after starting it.
func startHook(name string) error {
	cmd := exec.Command(name)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

func hook(w http.ResponseWriter, r *http.Request) {
	_ = runHook("true")
	_ = startHook("true")
	reapLater(exec.Command("true"))
}

func Routes9(mux *http.ServeMux) { mux.HandleFunc("/hook", hook) }
