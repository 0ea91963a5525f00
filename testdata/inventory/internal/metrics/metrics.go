// Package metrics keeps a few counters and serves them in the Prometheus text format on a separate port.
package metrics

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
)

type Registry struct {
	mu       sync.Mutex
	counters map[string]int64
	gauges   map[string]func() int64
}

func NewRegistry() *Registry {
	return &Registry{counters: make(map[string]int64), gauges: make(map[string]func() int64)}
}

func (r *Registry) Inc(name string) {
	r.mu.Lock()
	r.counters[name]++
	r.mu.Unlock()
}

func (r *Registry) Gauge(name string, f func() int64) {
	r.mu.Lock()
	r.gauges[name] = f
	r.mu.Unlock()
}

func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	names := make([]string, 0, len(r.counters))
	for n := range r.counters {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "%s %d\n", n, r.counters[n])
	}
	for n, f := range r.gauges {
		fmt.Fprintf(w, "%s %d\n", n, f())
	}
}

// Serve serves the registry on addr until the listener fails.
func Serve(addr string, reg *Registry) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", reg)
	srv := &http.Server{Addr: addr, Handler: mux} // want `servertimeout: \(\*http.Server\).ListenAndServe`
	return srv.ListenAndServe()
}
