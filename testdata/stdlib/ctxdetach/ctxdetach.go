package ctxdetach

import (
	"context"
	"net/http"
	"sync"
	"time"
)

func lookup(ctx context.Context, key string) string {
	select {
	case <-ctx.Done():
		return ""
	case <-time.After(time.Millisecond):
		return key
	}
}

func detached(w http.ResponseWriter, r *http.Request) {
	_ = lookup(context.Background(), "a") // want `ctxdetach: context.Background starts a context with no deadline`
	_ = lookup(context.TODO(), "b")       // want `ctxdetach: context.TODO`
	_ = audit("c")
}

func audit(key string) string {
	return lookup(context.Background(), key) // want `ctxdetach: context.Background .*reached from /detached \(detached\)`
}

func deliberate(w http.ResponseWriter, r *http.Request) {
	// Detaching on purpose keeps the request's values and is not reported.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Second)
	defer cancel()
	_ = lookup(ctx, "d")
	_ = lookup(r.Context(), "e")
}

func spawned(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		_ = lookup(context.Background(), "f") // inside the goroutine: the go statement is the finding
	}()
}

func Routes(mux *http.ServeMux) {
	_ = lookup(context.Background(), "warm-up") // start-up
	mux.HandleFunc("/detached", detached)
	mux.HandleFunc("/deliberate", deliberate)
	mux.HandleFunc("/spawned", spawned)
}

// probe detaches and bounds the work at once: it ends by itself, which is usually deliberate, and is not reported.
// A root context that is also used unbounded is.
func probe(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = lookup(ctx, "probe")
	base := context.Background() // want `ctxdetach: context.Background starts a context with no deadline`
	ctx2, cancel2 := context.WithTimeout(base, time.Second)
	defer cancel2()
	_ = lookup(ctx2, "x")
	_ = lookup(base, "y")
}

func Routes2(mux *http.ServeMux) { mux.HandleFunc("/probe", probe) }

// compare only compares with context.Background (pgx does): no work runs under it.
func compare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if ctx != context.Background() && ctx != context.TODO() {
		_ = lookup(ctx, "compared")
	}
}

var (
	initMu   sync.Mutex
	warmOnce sync.Once
	table    map[string]string
	index    map[string]string
)

// loadTable runs once per process, not per request.
func loadTable() map[string]string {
	return map[string]string{"k": lookup(context.Background(), "table")}
}

// lazy initialises package state on first use: once per process, not per request.
func lazy(w http.ResponseWriter, r *http.Request) {
	warmOnce.Do(func() { index = loadTable() })
	initMu.Lock()
	if table == nil {
		table = loadTable()
	}
	initMu.Unlock()
	_ = lookup(context.Background(), "every time") // want `ctxdetach: context.Background starts a context with no deadline`
}

func Routes3(mux *http.ServeMux) {
	mux.HandleFunc("/compare", compare)
	mux.HandleFunc("/lazy", lazy)
}

type ctxKey struct{}

var (
	// bg holds a new root context: request work started under it is detached as with context.Background().
	bg = context.Background()
	// tagged derives from a root but is no root itself, and set is given its context from outside: not reported.
	tagged = context.WithValue(context.Background(), ctxKey{}, "tag")
	set    context.Context
)

func pkgVar(w http.ResponseWriter, r *http.Request) {
	_ = lookup(bg, "var")                               // want `ctxdetach: ctxdetach.bg \(context.Background\(\)\) starts a context with no deadline.*reached from /pkgvar`
	ctx, cancel := context.WithTimeout(bg, time.Second) // bounded at once: not reported
	defer cancel()
	_ = lookup(ctx, "bounded")
	_ = lookup(tagged, "derived")
	_ = lookup(set, "set")
	if r.Context() == bg {
		return
	}
}

func Routes4(mux *http.ServeMux, base context.Context) {
	set = base
	mux.HandleFunc("/pkgvar", pkgVar)
}

// subscribe cancels its own context when a topic drops the subscriber, and waits on it beside the request's
// context, as ntfy's subscribe loop does: the wait ends with the request either way.
func subscribe(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.Context().Done():
			return
		case <-time.After(time.Second):
			_, _ = w.Write([]byte("keepalive\n"))
		}
	}
}

// subscribeAlone waits on its own context only: reported.
func subscribeAlone(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(context.Background()) // want `ctxdetach: context.Background`
	defer cancel()
	<-ctx.Done()
}

func Routes5(mux *http.ServeMux) {
	mux.HandleFunc("/subscribe", subscribe)
	mux.HandleFunc("/subscribe-alone", subscribeAlone)
}
