//go:build go1.25

package watchdog

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stuckRequests starts n requests through w's middleware, each blocked until
// the returned function is called (which waits for them to end).
func stuckRequests(tb testing.TB, w *Watchdog, n int) (release func()) {
	tb.Helper()
	gate := make(chan struct{})
	var entered, ended sync.WaitGroup
	h := w.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		entered.Done()
		<-gate
	}))
	entered.Add(n)
	ended.Add(n)
	for range n {
		go func() {
			defer ended.Done()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
		}()
	}
	entered.Wait()
	return func() {
		close(gate)
		ended.Wait()
	}
}

// maxPause returns the upper bound of the longest stop-the-world pause other
// than the collector's recorded since before, and the histogram now.
func maxPause(before *metrics.Float64Histogram) (time.Duration, *metrics.Float64Histogram) {
	s := []metrics.Sample{{Name: "/sched/pauses/total/other:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0, nil
	}
	h := s[0].Value.Float64Histogram()
	var longest float64
	if before != nil {
		for i := range h.Counts {
			if h.Counts[i] > before.Counts[i] {
				longest = h.Buckets[i+1]
			}
		}
	}
	return time.Duration(longest * float64(time.Second)), h
}

// BenchmarkCheck10000Slow measures one check, profile included, with 10,000
// slow requests in flight (and so at least 10,000 goroutines), and the
// longest stop-the-world pause the checks caused. Run it with
//
//	cd shim && go test -run '^$' -bench Check10000Slow -benchtime 20x ./watchdog/
func BenchmarkCheck10000Slow(b *testing.B) {
	w := New(WithThreshold(0))
	release := stuckRequests(b, w, 10_000)
	defer release()
	_, hist := maxPause(nil)
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		w.checkMu.Lock()
		w.next = time.Time{} // a check due now, whatever the last one cost
		w.checkMu.Unlock()
		if r := w.Check(); len(r) == 0 {
			b.Fatal("no reports")
		}
	}
	b.StopTimer()
	// CPU time says more than wall time on a loaded machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	pause, _ := maxPause(hist)
	b.ReportMetric(float64(pause)/float64(time.Millisecond), "max-pause-ms")
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMiddleware measures what the watchdog adds to each request: the
// labels, the in-flight entry and its removal. Run it with
//
//	cd shim && go test -run '^$' -bench Middleware -cpu 1,2 ./watchdog/
func BenchmarkMiddleware(b *testing.B) {
	w := New()
	h := w.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest("GET", "/", nil)
		rw := httptest.NewRecorder()
		for pb.Next() {
			h.ServeHTTP(rw, r)
		}
	})
	// CPU time, garbage collection included, says more than wall time on a
	// loaded machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkBaseline is BenchmarkMiddleware without the watchdog, to subtract.
func BenchmarkBaseline(b *testing.B) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest("GET", "/", nil)
		rw := httptest.NewRecorder()
		for pb.Next() {
			h.ServeHTTP(rw, r)
		}
	})
}

// TestReportsCapped: with more slow requests than WithMaxReports, a check
// reports the longest running ones and counts the rest.
func TestReportsCapped(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	w := New(WithThreshold(time.Second), WithMaxReports(2))
	w.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Millisecond) // requests start in order
		return clock
	}
	gate := make(chan struct{})
	var ended sync.WaitGroup
	h := w.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-gate }))
	for i := range 5 {
		ended.Add(1)
		go func() {
			defer ended.Done()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/r/"+string(rune('a'+i)), nil))
		}()
		for w.InFlight() != i+1 {
			runtime.Gosched()
		}
	}
	mu.Lock()
	clock = clock.Add(time.Hour)
	mu.Unlock()
	r := w.Check()
	close(gate)
	ended.Wait()
	if len(r) != 2 || r[0].Path != "/r/a" || r[1].Path != "/r/b" {
		t.Fatalf("reports %v, want the two longest running, /r/a and /r/b", r)
	}
	if r[0].Wait != WaitChannel {
		t.Errorf("wait %s, want channel", r[0].Wait)
	}
	rec := httptest.NewRecorder()
	w.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(rec.Body.String(), `"slow_total": 5`) {
		t.Errorf("handler does not count all slow requests:\n%s", rec.Body)
	}
}

// TestOverheadCapSpacesProfiles: a profile that took 100 ms holds the next
// one back for 10 s at the default 1% cap, although the interval is 1 s. The
// injected clock advances 100 ms at every reading, so a check measures its
// profile at 100 ms.
func TestOverheadCapSpacesProfiles(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	read := func(d time.Duration) time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(d)
		return clock
	}
	w := New(WithThreshold(0), WithInterval(time.Second))
	w.now = func() time.Time { return read(100 * time.Millisecond) }
	release := stuckRequests(t, w, 1)
	defer release()

	w.Check()
	if n := w.profiles.Load(); n != 1 {
		t.Fatalf("first check: %d profiles", n)
	}
	read(2 * time.Second) // past the interval, within the cap
	if w.Check(); w.profiles.Load() != 1 {
		t.Fatalf("2 s later: %d profiles, want still 1 (the cap holds it back)", w.profiles.Load())
	}
	read(8 * time.Second)
	if w.Check(); w.profiles.Load() != 2 {
		t.Fatalf("10 s later: %d profiles, want 2", w.profiles.Load())
	}
}

// TestManySlowRequestsReportedBounded is the regression test for the cost of
// a check during an incident: with 2,000 slow requests every one was
// symbolised, classified and reported at each check. Now at most
// DefaultMaxReports are, the longest running.
func TestManySlowRequestsReportedBounded(t *testing.T) {
	w := New(WithThreshold(0))
	release := stuckRequests(t, w, 2000)
	defer release()
	if r := w.Check(); len(r) == 0 || len(r) > 20 {
		t.Fatalf("%d reports for 2,000 slow requests, want 1 to 20", len(r))
	}
}
