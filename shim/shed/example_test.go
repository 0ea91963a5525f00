package shed_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/shed"
)

func ExampleNew() {
	s := shed.New(64, shed.WithWait(50*time.Millisecond))
	fmt.Println(s.Limit(), s.InFlight())
	// Output: 64 0
}

func ExampleShedder_Middleware() {
	s := shed.New(1)
	inside := make(chan struct{})
	release := make(chan struct{})
	h := s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		<-release
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/export", nil))
	}()
	<-inside // the only slot is taken
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/export", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))
	close(release)
	<-done
	// Output: 503 1
}

func ExampleShedder_Acquire() {
	s := shed.New(1)
	release, err := s.Acquire(context.Background())
	fmt.Println(err)
	_, err = s.Acquire(context.Background())
	fmt.Println(errors.Is(err, shed.ErrShed))
	release()
	fmt.Println(s.InFlight())
	// Output:
	// <nil>
	// true
	// 0
}

func ExampleShedder_InFlight() {
	s := shed.New(4)
	release, _ := s.Acquire(context.Background())
	fmt.Println(s.InFlight())
	release()
	fmt.Println(s.InFlight())
	// Output:
	// 1
	// 0
}

func ExampleShedder_Limit() {
	fmt.Println(shed.New(0).Limit())
	// Output: 1
}

func ExampleWithWait() {
	s := shed.New(1, shed.WithWait(time.Minute))
	release, _ := s.Acquire(context.Background())
	go release()
	// Waits, up to a minute, for the slot the goroutine gives back.
	r2, err := s.Acquire(context.Background())
	fmt.Println(err)
	if err == nil {
		r2()
	}
	// Output: <nil>
}

func ExampleShedder_Wait() {
	// A batch job shares the limit with interactive requests; rather than be
	// shed, it waits for a slot, up to a bound of its own.
	s := shed.New(1)
	busy, _ := s.Acquire(context.Background())
	go busy() // an interactive request ends

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	release, err := s.Wait(ctx)
	if err != nil {
		fmt.Println("gave up:", err)
		return
	}
	defer release()
	fmt.Println("in flight:", s.InFlight())
	// Output: in flight: 1
}

func ExampleWithRetryAfter() {
	s := shed.New(1, shed.WithRetryAfter(5*time.Second))
	release, _ := s.Acquire(context.Background())
	defer release()
	rec := httptest.NewRecorder()
	s.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))
	// Output: 503 5
}

func ExampleWithObserver() {
	mem := monitor.NewMemory()
	s := shed.New(1, shed.WithObserver(mem))
	release, _ := s.Acquire(context.Background())
	defer release()
	s.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	fmt.Println(mem.Snapshot().Routes[monitor.UnmatchedRoute].Shed)
	// Output: 1
}
