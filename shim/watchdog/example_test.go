package watchdog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/blockcheck/blockcheck/shim/watchdog"
)

// stuck serves one request through wd on another goroutine, its handler
// running block, and returns once the handler has started (it may not be
// blocked yet). The returned function waits for the request to end.
func stuck(wd *watchdog.Watchdog, block func()) (release func()) {
	entered := make(chan struct{})
	done := make(chan struct{})
	h := wd.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(entered)
		block()
	}))
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/orders/7", nil))
	}()
	<-entered
	return func() { <-done }
}

// checkUntil checks until the request is seen waiting (it may still be on
// its way into the wait when first checked).
func checkUntil(wd *watchdog.Watchdog, wait watchdog.Wait) []watchdog.Report {
	for {
		r := wd.Check()
		if len(r) > 0 && r[0].Wait == wait {
			return r
		}
		time.Sleep(time.Millisecond)
	}
}

func ExampleWatchdog_Check() {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1))
	var mu sync.Mutex
	mu.Lock()
	wait := stuck(wd, func() { mu.Lock() })
	r := checkUntil(wd, watchdog.WaitLock)
	fmt.Println(r[0].Route, r[0].Wait, r[0].WaitFrame)
	mu.Unlock()
	wait()
	// Output: GET /orders/7 lock sync.(*Mutex).Lock
}

func ExampleNew() {
	wd := watchdog.New(
		watchdog.WithThreshold(2*time.Second),
		watchdog.WithInterval(time.Second),
		watchdog.WithReporter(watchdog.ReporterFunc(func(rs []watchdog.Report) {
			for _, r := range rs {
				fmt.Println("slow request:", r)
			}
		})),
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hi") })
	mux.Handle("GET /debug/watchdog", wd.Handler())
	srv := &http.Server{Handler: wd.Middleware(mux), ReadHeaderTimeout: 5 * time.Second}
	_ = srv // srv.ListenAndServe(), with wd.Start(ctx) running beside it
	fmt.Println(wd.InFlight())
	// Output: 0
}

func ExampleWatchdog_Middleware() {
	wd := watchdog.New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "item", r.PathValue("id"))
	})
	rec := httptest.NewRecorder()
	wd.Middleware(mux).ServeHTTP(rec, httptest.NewRequest("GET", "/items/3", nil))
	fmt.Print(rec.Body.String())
	// Output: item 3
}

func ExampleWatchdog_Start() {
	reports := make(chan []watchdog.Report, 1)
	wd := watchdog.New(
		watchdog.WithThreshold(10*time.Millisecond),
		watchdog.WithInterval(5*time.Millisecond),
		watchdog.WithMaxOverhead(1), // every interval, however long a profile takes
		watchdog.WithReporter(watchdog.ReporterFunc(func(r []watchdog.Report) {
			if r[0].Wait == watchdog.WaitSleep {
				select {
				case reports <- r:
				default:
				}
			}
		})),
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := wd.Start(ctx)
	wait := stuck(wd, func() { time.Sleep(300 * time.Millisecond) })
	r := <-reports
	fmt.Println(r[0].Path, r[0].Wait)
	cancel()
	<-done // the loop has stopped
	wait()
	// Output: /orders/7 sleep
}

func ExampleWatchdog_Reports() {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1))
	ch := make(chan struct{})
	wait := stuck(wd, func() { <-ch })
	checkUntil(wd, watchdog.WaitChannel)
	fmt.Println(len(wd.Reports()), wd.Reports()[0].Wait)
	close(ch)
	wait()
	// Output: 1 channel
}

func ExampleWatchdog_Handler() {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1))
	ch := make(chan struct{})
	wait := stuck(wd, func() {
		select {
		case <-ch:
		case <-time.After(time.Hour):
		}
	})
	checkUntil(wd, watchdog.WaitSelect)
	rec := httptest.NewRecorder()
	wd.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/watchdog", nil))
	var body struct {
		InFlight int `json:"in_flight"`
		Slow     []struct {
			Route string `json:"route"`
			Wait  string `json:"wait"`
		} `json:"slow"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	fmt.Printf("%d %+v\n", body.InFlight, body.Slow)
	close(ch)
	wait()
	// Output: 1 [{Route:GET /orders/7 Wait:select}]
}

func ExampleWatchdog_InFlight() {
	wd := watchdog.New()
	ch := make(chan struct{})
	wait := stuck(wd, func() { <-ch })
	fmt.Println(wd.InFlight())
	close(ch)
	wait()
	fmt.Println(wd.InFlight())
	// Output:
	// 1
	// 0
}

func ExampleReporterFunc() {
	var log []string
	r := watchdog.ReporterFunc(func(rs []watchdog.Report) {
		for _, rep := range rs {
			log = append(log, rep.Route+": "+string(rep.Wait))
		}
	})
	r.Report([]watchdog.Report{{Route: "GET /a", Wait: watchdog.WaitNetwork}})
	fmt.Println(log)
	// Output: [GET /a: network]
}

func ExampleReporterFunc_Report() {
	watchdog.ReporterFunc(func(rs []watchdog.Report) { fmt.Println(len(rs)) }).Report(nil)
	// Output: 0
}

func ExampleReport_String() {
	r := watchdog.Report{
		Method: "GET", Path: "/orders/7", Route: "GET /orders/{id}",
		Elapsed: 6200 * time.Millisecond, Wait: watchdog.WaitOutboundHTTP,
		Frame: watchdog.Frame{Function: "example.com/shop.fetchStock", File: "/src/shop/stock.go", Line: 42},
	}
	fmt.Println(r)
	// Output: GET /orders/7 (GET /orders/{id}) running 6.2s, outbound-http at example.com/shop.fetchStock (/src/shop/stock.go:42)
}

func ExampleReport_MarshalJSON() {
	r := watchdog.Report{ID: "x-1", Route: "GET /", Elapsed: 1500 * time.Millisecond, Wait: watchdog.WaitSleep}
	b, _ := json.Marshal(r)
	s := string(b)
	fmt.Println(strings.Contains(s, `"elapsed":"1.5s"`), strings.Contains(s, `"wait":"sleep"`))
	// Output: true true
}

func ExampleFrame_String() {
	fmt.Println(watchdog.Frame{Function: "main.handler", File: "/app/main.go", Line: 12})
	// Output: main.handler (/app/main.go:12)
}

func ExampleWithThreshold() {
	wd := watchdog.New(watchdog.WithThreshold(time.Hour))
	ch := make(chan struct{})
	wait := stuck(wd, func() { <-ch })
	fmt.Println(len(wd.Check())) // nothing has run for an hour: no profile taken
	close(ch)
	wait()
	// Output: 0
}

func ExampleWithInterval() {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Hour))
	ch := make(chan struct{})
	wait := stuck(wd, func() { <-ch })
	first := wd.Check()
	second := wd.Check() // within the hour: no second profile, same reports
	fmt.Println(len(first), first[0].ID == second[0].ID)
	close(ch)
	wait()
	// Output: 1 true
}

func ExampleWithMaxProfileBytes() {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithMaxProfileBytes(16))
	ch := make(chan struct{})
	wait := stuck(wd, func() { <-ch })
	fmt.Println(wd.Check()[0].Wait) // the profile was cut before the request's record
	close(ch)
	wait()
	// Output: unknown
}

func ExampleWithReporter() {
	got := make(chan string, 1)
	wd := watchdog.New(watchdog.WithThreshold(0),
		watchdog.WithReporter(watchdog.ReporterFunc(func(rs []watchdog.Report) { got <- rs[0].Path })))
	ch := make(chan struct{})
	wait := stuck(wd, func() { <-ch })
	wd.Check()
	fmt.Println(<-got)
	close(ch)
	wait()
	// Output: /orders/7
}

func ExampleWithRoute() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(http.ResponseWriter, *http.Request) {})
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithRoute(func(r *http.Request) string {
		_, pattern := mux.Handler(r)
		return pattern
	}))
	ch := make(chan struct{})
	entered := make(chan struct{})
	done := make(chan struct{})
	mux.HandleFunc("GET /slow/{id}", func(http.ResponseWriter, *http.Request) { close(entered); <-ch })
	go func() {
		defer close(done)
		wd.Middleware(mux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow/1", nil))
	}()
	<-entered
	fmt.Println(wd.Check()[0].Route)
	close(ch)
	<-done
	// Output: GET /slow/{id}
}

func ExampleWithMaxOverhead() {
	// During an incident with thousands of stuck requests a profile costs
	// hundreds of milliseconds; keep profiling under half a percent of a
	// core and report the ten longest running requests.
	wd := watchdog.New(watchdog.WithMaxOverhead(0.005), watchdog.WithMaxReports(10))
	fmt.Println(wd.InFlight())
	// Output: 0
}
