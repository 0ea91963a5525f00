package watchdog_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/blockcheck/blockcheck/shim/watchdog"
)

func ExampleWatchdog() {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1))
	ch := make(chan struct{})
	wait := stuck(wd, func() { <-ch })
	r := checkUntil(wd, watchdog.WaitChannel)
	fmt.Println(r[0].Method, r[0].Path, r[0].Wait)
	close(ch)
	wait()
	// Output: GET /orders/7 channel
}

func ExampleReport() {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1))
	wait := stuck(wd, func() { time.Sleep(200 * time.Millisecond) })
	r := checkUntil(wd, watchdog.WaitSleep)[0]
	fmt.Println(r.Wait, r.WaitFrame, r.Elapsed >= 0, r.Frame.Function != "", len(r.Stack) > 0)
	wait()
	// Output: sleep time.Sleep true true true
}

func ExampleFrame() {
	f := watchdog.Frame{Function: "example.com/shop.fetchStock", File: "/src/shop/stock.go", Line: 42}
	fmt.Println(f.Function, f.Line)
	// Output: example.com/shop.fetchStock 42
}

func ExampleWait() {
	for _, w := range []watchdog.Wait{watchdog.WaitOutboundHTTP, watchdog.WaitLock, watchdog.WaitRunning} {
		fmt.Println(w)
	}
	// Output:
	// outbound-http
	// lock
	// running
}

// countingReporter counts the slow requests it is told about.
type countingReporter struct{ n int }

func (c *countingReporter) Report(rs []watchdog.Report) { c.n += len(rs) }

func ExampleReporter() {
	c := &countingReporter{}
	var r watchdog.Reporter = c
	r.Report([]watchdog.Report{{ID: "a"}, {ID: "b"}})
	fmt.Println(c.n)
	// Output: 2
}

func ExampleOption() {
	opts := []watchdog.Option{
		watchdog.WithThreshold(3 * time.Second),
		watchdog.WithInterval(500 * time.Millisecond),
		watchdog.WithMaxProfileBytes(1 << 20),
	}
	wd := watchdog.New(opts...)
	_ = wd.Middleware(http.NotFoundHandler())
	fmt.Println(wd.InFlight())
	// Output: 0
}
