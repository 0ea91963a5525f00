package monitor_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/blockcheck/blockcheck/shim/monitor"
)

func ExampleMiddleware() {
	mem := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "item", r.PathValue("id"))
	})
	srv := httptest.NewServer(monitor.Middleware(mem, mux))
	defer srv.Close()

	for _, id := range []string{"1", "2"} {
		resp, err := http.Get(srv.URL + "/items/" + id)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}
	r := mem.Snapshot().Routes["GET /items/{id}"]
	fmt.Println(r.Requests, r.Status["2xx"])
	// Output: 2 2
}

func ExampleWithRoute() {
	mem := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a/{x}", func(http.ResponseWriter, *http.Request) {})
	// This wrapper copies the request, so the outer middleware cannot see
	// the pattern ServeMux sets; ask the mux instead.
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(r.Context()))
	})
	h := monitor.Middleware(mem, wrapped, monitor.WithRoute(monitor.MuxPattern(mux)))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a/1", nil))
	fmt.Println(mem.Snapshot().Routes["GET /a/{x}"].Requests)
	// Output: 1
}

func ExampleMuxPattern() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", func(http.ResponseWriter, *http.Request) {})
	route := monitor.MuxPattern(mux)
	fmt.Println(route(httptest.NewRequest("POST", "/orders", nil)))
	// Output: POST /orders
}

func ExampleNewMemory() {
	mem := monitor.NewMemory()
	mem.RequestStarted()
	mem.RequestDone("GET /slow", 200, 300*time.Millisecond)
	mem.Shed("GET /slow")
	r := mem.Snapshot().Routes["GET /slow"]
	fmt.Println(r.Requests, r.Shed, r.Latency.Max)
	// Output: 1 1 300ms
}

func ExampleMemory_Handler() {
	mem := monitor.NewMemory()
	mem.BreakerStateChanged("payments", "closed", "open")
	rec := httptest.NewRecorder()
	mem.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/shim", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// {
	//   "in_flight": 0,
	//   "routes": {},
	//   "breakers": {
	//     "payments": {
	//       "state": "open",
	//       "changes": 1,
	//       "opened": 1
	//     }
	//   }
	// }
}

func ExampleMemory_Snapshot() {
	mem := monitor.NewMemory()
	mem.RequestStarted()
	fmt.Println(mem.Snapshot().InFlight)
	mem.RequestDone("GET /", 200, time.Millisecond)
	fmt.Println(mem.Snapshot().InFlight)
	// Output:
	// 1
	// 0
}

func ExampleMemory_RequestStarted() {
	mem := monitor.NewMemory()
	mem.RequestStarted()
	mem.RequestStarted()
	fmt.Println(mem.Snapshot().InFlight)
	// Output: 2
}

func ExampleMemory_RequestDone() {
	mem := monitor.NewMemory()
	mem.RequestStarted()
	mem.RequestDone("GET /", 404, time.Millisecond)
	fmt.Println(mem.Snapshot().Routes["GET /"].Status)
	// Output: map[4xx:1]
}

func ExampleMemory_Shed() {
	mem := monitor.NewMemory()
	mem.Shed("GET /report")
	fmt.Println(mem.Snapshot().Routes["GET /report"].Shed)
	// Output: 1
}

func ExampleMemory_Limited() {
	mem := monitor.NewMemory()
	mem.Limited("")
	fmt.Println(mem.Snapshot().Routes[monitor.UnmatchedRoute].Limited)
	// Output: 1
}

func ExampleMemory_Error() {
	mem := monitor.NewMemory()
	mem.Error("GET /", http.ErrHandlerTimeout)
	fmt.Println(mem.Snapshot().Routes["GET /"].Errors)
	// Output: 1
}

func ExampleMemory_BreakerStateChanged() {
	mem := monitor.NewMemory()
	mem.BreakerStateChanged("db", "closed", "open")
	fmt.Printf("%+v\n", mem.Snapshot().Breakers["db"])
	// Output: {State:open Changes:1 Opened:1}
}

func ExampleLatencyStats_MarshalJSON() {
	mem := monitor.NewMemory()
	mem.RequestStarted()
	mem.RequestDone("r", 200, 1500*time.Microsecond)
	b, _ := mem.Snapshot().Routes["r"].Latency.MarshalJSON()
	fmt.Println(string(b)[:60])
	// Output: {"count":1,"mean":"1.5ms","max":"1.5ms","p50":"1.25ms","p90"
}

// countingObserver counts shed requests and ignores everything else.
type countingObserver struct {
	monitor.Nop
	shed int
}

func (o *countingObserver) Shed(string) { o.shed++ }

func ExampleNop() {
	o := &countingObserver{}
	var obs monitor.Observer = o
	obs.Shed("GET /")
	obs.Limited("GET /")
	fmt.Println(o.shed)
	// Output: 1
}

func ExampleNop_RequestStarted() {
	var obs monitor.Observer = monitor.Nop{}
	obs.RequestStarted()
	obs.RequestDone("GET /", 200, time.Millisecond)
	obs.Shed("GET /")
	obs.Limited("GET /")
	obs.Error("GET /", nil)
	obs.BreakerStateChanged("db", "closed", "open")
	fmt.Println("ok")
	// Output: ok
}
