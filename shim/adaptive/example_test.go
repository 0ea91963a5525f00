package adaptive_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

func ExampleNew() {
	l := adaptive.New(adaptive.Gradient{}, adaptive.WithBounds(4, 256), adaptive.WithInitial(32))
	fmt.Println(l.Limit(), l.InFlight())
	// Output: 32 0
}

func ExampleLimiter() {
	// One limiter per protected resource: here, calls to a database.
	db := adaptive.New(adaptive.AIMD{Latency: 250 * time.Millisecond}, adaptive.WithBounds(2, 64))
	query := func(ctx context.Context) error {
		p, err := db.Wait(ctx)
		if err != nil {
			return err
		}
		// ... run the query with ctx ...
		p.Done()
		return nil
	}
	fmt.Println(query(context.Background()))
	// Output: <nil>
}

func ExampleLimiter_Wait() {
	l := adaptive.New(nil, adaptive.WithBounds(1, 1))
	p, _ := l.Wait(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := l.Wait(ctx) // waits until ctx ends: the only permit is out
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	p.Done()
	// Output: true
}

func ExampleLimiter_Acquire() {
	l := adaptive.New(nil, adaptive.WithBounds(1, 1)) // no WithWait: refuse at once
	p, err := l.Acquire(context.Background())
	fmt.Println(err)
	_, err = l.Acquire(context.Background())
	fmt.Println(errors.Is(err, adaptive.ErrLimited))
	p.Done()
	// Output:
	// <nil>
	// true
}

func ExampleLimiter_TryAcquire() {
	l := adaptive.New(nil, adaptive.WithBounds(1, 1))
	p, ok := l.TryAcquire()
	_, ok2 := l.TryAcquire()
	fmt.Println(ok, ok2)
	p.Ignore()
	// Output: true false
}

func ExampleLimiter_Limit() {
	l := adaptive.New(adaptive.AIMD{Backoff: 0.5}, adaptive.WithInitial(10))
	p, _ := l.TryAcquire()
	p.Drop()
	fmt.Println(l.Limit())
	// Output: 5
}

func ExampleLimiter_InFlight() {
	l := adaptive.New(nil)
	p, _ := l.TryAcquire()
	fmt.Println(l.InFlight())
	p.Done()
	fmt.Println(l.InFlight())
	// Output:
	// 1
	// 0
}

func ExampleLimiter_Middleware() {
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, 1))
	hold, _ := l.TryAcquire() // the only permit is out
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/report", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))
	hold.Ignore()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/report", nil))
	fmt.Println(rec.Code, rec.Body)
	// Output:
	// 503 1
	// 200 ok
}

func ExampleLimiter_Transport() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	l := adaptive.New(adaptive.Gradient{}, adaptive.WithWait(100*time.Millisecond))
	client := &http.Client{Transport: l.Transport(nil)}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.InFlight()) // held until the body is done
	resp.Body.Close()
	fmt.Println(l.InFlight())
	// Output:
	// 1
	// 0
}

func ExamplePermit() {
	l := adaptive.New(nil)
	p, ok := l.TryAcquire()
	if !ok {
		return
	}
	defer p.Ignore() // a no-op once Done or Drop was called; covers panics
	// ... the work ...
	p.Done()
	fmt.Println(l.InFlight())
	// Output: 0
}

func ExamplePermit_Done() {
	now := time.Unix(0, 0)
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithInitial(2), adaptive.WithClock(func() time.Time { return now }))
	p, _ := l.TryAcquire()
	now = now.Add(20 * time.Millisecond) // a 20 ms request
	p.Done()
	fmt.Println(l.Limit()) // in use (1 of 2) and fast: +1
	// Output: 3
}

func ExamplePermit_Drop() {
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithInitial(20))
	p, _ := l.TryAcquire()
	p.Drop() // e.g. the dependency answered 503
	fmt.Println(l.Limit())
	// Output: 18
}

func ExamplePermit_Ignore() {
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithInitial(20))
	p, _ := l.TryAcquire()
	p.Ignore() // e.g. the client went away
	fmt.Println(l.Limit(), l.InFlight())
	// Output: 20 0
}

func ExampleAlgorithm() {
	for _, alg := range []adaptive.Algorithm{adaptive.AIMD{}, adaptive.Gradient{}} {
		l := adaptive.New(alg)
		fmt.Printf("%T %d\n", alg, l.Limit())
	}
	// Output:
	// adaptive.AIMD 20
	// adaptive.Gradient 20
}

func ExampleAIMD() {
	// Halve on a failure or a call slower than 100 ms; add 2 per success.
	alg := adaptive.AIMD{Increase: 2, Backoff: 0.5, Latency: 100 * time.Millisecond}
	l := adaptive.New(alg, adaptive.WithInitial(16))
	p, _ := l.TryAcquire()
	p.Drop()
	fmt.Println(l.Limit())
	// Output: 8
}

func ExampleGradient() {
	// Shrink once a 1-second window is twice as slow as the 10-minute average.
	alg := adaptive.Gradient{Tolerance: 2, Interval: time.Second, Window: 600}
	l := adaptive.New(alg, adaptive.WithBounds(8, 512))
	fmt.Println(l.Limit())
	// Output: 20
}

func ExampleOption() {
	opts := []adaptive.Option{
		adaptive.WithBounds(4, 128),
		adaptive.WithWait(20 * time.Millisecond),
		adaptive.WithRetryAfter(2 * time.Second),
	}
	l := adaptive.New(nil, opts...)
	fmt.Println(l.Limit())
	// Output: 20
}

func ExampleWithBounds() {
	l := adaptive.New(nil, adaptive.WithBounds(50, 100))
	fmt.Println(l.Limit()) // the initial 20 is raised to the min
	// Output: 50
}

func ExampleWithInitial() {
	l := adaptive.New(nil, adaptive.WithInitial(64))
	fmt.Println(l.Limit())
	// Output: 64
}

func ExampleWithWait() {
	l := adaptive.New(nil, adaptive.WithBounds(1, 1), adaptive.WithWait(time.Minute))
	p, _ := l.TryAcquire()
	go p.Done() // given back while, or before, the request waits
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code)
	// Output: 200
}

func ExampleWithRetryAfter() {
	l := adaptive.New(nil, adaptive.WithBounds(1, 1), adaptive.WithRetryAfter(1500*time.Millisecond))
	p, _ := l.TryAcquire()
	defer p.Ignore()
	rec := httptest.NewRecorder()
	l.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Header().Get("Retry-After"))
	// Output: 2
}

func ExampleWithObserver() {
	mem := monitor.NewMemory()
	l := adaptive.New(nil, adaptive.WithBounds(1, 1), adaptive.WithObserver(mem))
	p, _ := l.TryAcquire()
	defer p.Ignore()
	mux := http.NewServeMux()
	mux.Handle("GET /search", l.Middleware(http.NotFoundHandler()))
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search", nil))
	fmt.Println(mem.Snapshot().Routes["GET /search"].Shed)
	// Output: 1
}

func ExampleWithClock() {
	now := time.Unix(0, 0)
	l := adaptive.New(adaptive.AIMD{Latency: time.Second, Backoff: 0.5}, adaptive.WithInitial(8),
		adaptive.WithClock(func() time.Time { return now }))
	p, _ := l.TryAcquire()
	now = now.Add(2 * time.Second) // slower than Latency
	p.Done()
	fmt.Println(l.Limit())
	// Output: 4
}

func ExampleWithDropStatus() {
	// This dependency signals overload with 500 too.
	l := adaptive.New(adaptive.AIMD{Backoff: 0.5}, adaptive.WithInitial(8),
		adaptive.WithDropStatus(func(code int) bool { return code == 500 || code == 503 }))
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	fmt.Println(l.Limit())
	// Output: 4
}
