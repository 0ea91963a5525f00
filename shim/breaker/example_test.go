package breaker_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

func ExampleNew() {
	b := breaker.New(gobreaker.Settings{
		Name:        "inventory",
		Timeout:     30 * time.Second, // open for 30s, then let one probe through
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 3 },
	})
	fmt.Println(b.Name(), b.State())
	// Output: inventory closed
}

func ExampleBreaker_Execute() {
	b := breaker.New(gobreaker.Settings{
		Name:        "db",
		Timeout:     time.Minute,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 2 },
	})
	query := func(ctx context.Context) error {
		// Bound the call itself: its own timeout counts as a failure,
		// while the caller's cancellation does not.
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_ = ctx
		return errors.New("connection refused")
	}
	ctx := context.Background()
	for range 3 {
		err := b.Execute(ctx, query)
		var oe *breaker.OpenError
		if errors.As(err, &oe) {
			fmt.Println("refused, open:", errors.Is(err, gobreaker.ErrOpenState), "retry within a minute:", oe.RetryAfter <= time.Minute)
			continue
		}
		fmt.Println(err)
	}
	// Output:
	// connection refused
	// connection refused
	// refused, open: true retry within a minute: true
}

func ExampleDo() {
	b := breaker.New(gobreaker.Settings{Name: "prices"})
	price, err := breaker.Do(context.Background(), b, func(ctx context.Context) (float64, error) {
		return 9.99, nil
	})
	fmt.Println(price, err)
	// Output: 9.99 <nil>
}

func ExampleBreaker_Transport() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer upstream.Close()

	b := breaker.New(gobreaker.Settings{
		Name:        "upstream",
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	})
	client := &http.Client{
		Transport: b.Transport(upstream.Client().Transport),
		Timeout:   5 * time.Second,
	}
	for range 2 {
		resp, err := client.Get(upstream.URL)
		if err != nil {
			fmt.Println("error is ErrOpenState:", errors.Is(err, gobreaker.ErrOpenState))
			continue
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// 503
	// error is ErrOpenState: true
}

func ExampleBreaker_Middleware() {
	b := breaker.New(gobreaker.Settings{
		Name:        "render",
		Timeout:     10 * time.Second,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	})
	h := b.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "template store down", http.StatusInternalServerError)
	}))
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/page", nil))
		fmt.Printf("%d Retry-After=%q\n", rec.Code, rec.Header().Get("Retry-After"))
	}
	// Output:
	// 500 Retry-After=""
	// 503 Retry-After="10"
}

func ExampleWithObserver() {
	mem := monitor.NewMemory()
	b := breaker.New(gobreaker.Settings{
		Name:        "search",
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	}, breaker.WithObserver(mem))
	_ = b.Execute(context.Background(), func(context.Context) error { return errors.New("down") })
	fmt.Println(mem.Snapshot().Breakers["search"].State)
	// Output: open
}

func ExampleWithFailureStatus() {
	// Count 429 from the dependency as a failure as well as 5xx.
	b := breaker.New(gobreaker.Settings{
		Name:        "partner-api",
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	}, breaker.WithFailureStatus(func(s int) bool { return s == http.StatusTooManyRequests || s >= 500 }))
	h := b.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	fmt.Println(b.State())
	// Output: open
}

func ExampleBreaker_State() {
	b := breaker.New(gobreaker.Settings{
		Name:        "cache",
		Timeout:     time.Millisecond,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	})
	_ = b.Execute(context.Background(), func(context.Context) error { return errors.New("down") })
	fmt.Println(b.State())
	time.Sleep(5 * time.Millisecond)
	// No timer runs: asking after Timeout is what moves it to half-open.
	fmt.Println(b.State())
	// Output:
	// open
	// half-open
}

func ExampleBreaker_Counts() {
	b := breaker.New(gobreaker.Settings{Name: "s3"})
	_ = b.Execute(context.Background(), func(context.Context) error { return nil })
	_ = b.Execute(context.Background(), func(context.Context) error { return context.Canceled })
	c := b.Counts()
	fmt.Println(c.Requests, c.TotalSuccesses, c.TotalFailures, c.TotalExclusions)
	// Output: 2 1 0 1
}

func ExampleBreaker_Name() {
	fmt.Println(breaker.New(gobreaker.Settings{Name: "mail"}).Name())
	// Output: mail
}

func ExampleBreaker_RetryAfter() {
	b := breaker.New(gobreaker.Settings{
		Name:        "geo",
		Timeout:     20 * time.Second,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	})
	fmt.Println(b.RetryAfter())
	_ = b.Execute(context.Background(), func(context.Context) error { return errors.New("down") })
	fmt.Println(b.RetryAfter().Round(time.Second))
	// Output:
	// 0s
	// 20s
}

func ExampleOpenError() {
	b := breaker.New(gobreaker.Settings{
		Name:        "ledger",
		Timeout:     5 * time.Second,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	})
	_ = b.Execute(context.Background(), func(context.Context) error { return errors.New("down") })
	err := b.Execute(context.Background(), func(context.Context) error { return nil })
	var oe *breaker.OpenError
	if errors.As(err, &oe) {
		fmt.Println(oe.Name, oe.RetryAfter.Round(time.Second), errors.Unwrap(oe) == gobreaker.ErrOpenState)
	}
	// Output: ledger 5s true
}
