package monitor_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/blockcheck/blockcheck/shim/monitor"
)

// logObserver adapts Observer to a logger: the way to feed any metrics or
// logging system without the shim importing it.
type logObserver struct {
	monitor.Nop
	l *log.Logger
}

func (o logObserver) Shed(route string) { o.l.Printf("shed %s", route) }
func (o logObserver) BreakerStateChanged(name, from, to string) {
	o.l.Printf("breaker %s: %s -> %s", name, from, to)
}

func ExampleObserver() {
	var obs monitor.Observer = logObserver{l: log.New(logWriter{}, "", 0)}
	obs.Shed("GET /search")
	obs.BreakerStateChanged("db", "closed", "open")
	// Output:
	// shed GET /search
	// breaker db: closed -> open
}

type logWriter struct{}

func (logWriter) Write(p []byte) (int, error) { fmt.Print(string(p)); return len(p), nil }

func ExampleMemory() {
	mem := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a", func(http.ResponseWriter, *http.Request) {})
	mux.Handle("GET /debug/shim", mem.Handler())
	monitor.Middleware(mem, mux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a", nil))
	fmt.Println(mem.Snapshot().Routes["GET /a"].Requests)
	// Output: 1
}

func ExampleSnapshot() {
	mem := monitor.NewMemory()
	mem.RequestStarted()
	mem.RequestDone("GET /a", 200, time.Millisecond)
	mem.BreakerStateChanged("db", "closed", "open")
	s := mem.Snapshot()
	fmt.Println(s.InFlight, len(s.Routes), s.Breakers["db"].State)
	// Output: 0 1 open
}

func ExampleRouteStats() {
	mem := monitor.NewMemory()
	for _, code := range []int{200, 200, 503} {
		mem.RequestStarted()
		mem.RequestDone("GET /a", code, time.Millisecond)
	}
	r := mem.Snapshot().Routes["GET /a"]
	fmt.Println(r.Requests, r.Status["2xx"], r.Status["5xx"])
	// Output: 3 2 1
}

func ExampleLatencyStats() {
	mem := monitor.NewMemory()
	for _, d := range []time.Duration{3 * time.Millisecond, 4 * time.Millisecond, 40 * time.Millisecond} {
		mem.RequestStarted()
		mem.RequestDone("GET /a", 200, d)
	}
	l := mem.Snapshot().Routes["GET /a"].Latency
	fmt.Println(l.Count, l.Max, l.Mean.Round(time.Millisecond))
	// Output: 3 40ms 16ms
}

func ExampleBucket() {
	mem := monitor.NewMemory()
	mem.RequestStarted()
	mem.RequestDone("GET /a", 200, 7*time.Millisecond)
	for _, b := range mem.Snapshot().Routes["GET /a"].Latency.Buckets {
		if b.Count > 0 {
			fmt.Println("le", b.LE, "count", b.Count)
		}
	}
	// Output: le 10ms count 1
}

func ExampleBreakerStats() {
	mem := monitor.NewMemory()
	mem.BreakerStateChanged("db", "closed", "open")
	mem.BreakerStateChanged("db", "open", "half-open")
	mem.BreakerStateChanged("db", "half-open", "closed")
	fmt.Printf("%+v\n", mem.Snapshot().Breakers["db"])
	// Output: {State:closed Changes:3 Opened:1}
}

func ExampleOption() {
	mux := http.NewServeMux()
	opts := []monitor.Option{monitor.WithRoute(monitor.MuxPattern(mux))}
	h := monitor.Middleware(monitor.NewMemory(), mux, opts...)
	fmt.Println(h != nil)
	// Output: true
}

func ExampleNop_RequestDone() {
	monitor.Nop{}.RequestDone("GET /", 200, time.Millisecond)
	fmt.Println("nothing recorded")
	// Output: nothing recorded
}

func ExampleNop_Shed() {
	monitor.Nop{}.Shed("GET /")
	fmt.Println("nothing recorded")
	// Output: nothing recorded
}

func ExampleNop_Limited() {
	monitor.Nop{}.Limited("GET /")
	fmt.Println("nothing recorded")
	// Output: nothing recorded
}

func ExampleNop_Error() {
	monitor.Nop{}.Error("GET /", http.ErrHandlerTimeout)
	fmt.Println("nothing recorded")
	// Output: nothing recorded
}

func ExampleNop_BreakerStateChanged() {
	monitor.Nop{}.BreakerStateChanged("db", "closed", "open")
	fmt.Println("nothing recorded")
	// Output: nothing recorded
}
