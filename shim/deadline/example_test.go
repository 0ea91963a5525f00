package deadline_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/blockcheck/blockcheck/shim/deadline"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

func ExampleMiddleware() {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Minute): // stands for a slow query
			fmt.Fprintln(w, "result")
		case <-r.Context().Done(): // honour the deadline and stop
		}
	})
	srv := httptest.NewServer(deadline.Middleware(20*time.Millisecond, slow))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"))
	// Output: 503 1
}

func ExampleWithStatus() {
	late := make(chan error, 1)
	h := deadline.Middleware(time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		// Refused: the deadline has passed, the middleware answers.
		_, err := w.Write([]byte("late"))
		late <- err
	}), deadline.WithStatus(http.StatusGatewayTimeout))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code)
	fmt.Println(errors.Is(<-late, http.ErrHandlerTimeout))
	// Output:
	// 504
	// true
}

func ExampleWithRetryAfter() {
	h := deadline.Middleware(time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}), deadline.WithRetryAfter(30*time.Second))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))
	// Output: 503 30
}

func ExampleWithObserver() {
	mem := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.Handle("GET /report", deadline.Middleware(time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}), deadline.WithObserver(mem)))
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/report", nil))
	fmt.Println(mem.Snapshot().Routes["GET /report"].Errors)
	// Output: 1
}

func ExampleWithRoute() {
	mem := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /report/{id}", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	// The deadline wraps the whole mux, so it names routes through the mux.
	h := deadline.Middleware(time.Millisecond, mux,
		deadline.WithObserver(mem), deadline.WithRoute(monitor.MuxPattern(mux)))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/report/9", nil))
	fmt.Println(mem.Snapshot().Routes["GET /report/{id}"].Errors)
	// Output: 1
}

func ExampleWithGrace() {
	// A handler that has started a response of unknown length when the
	// deadline passes gets up to 200 ms to return before the response is
	// cut; one that returns in time ends its response normally.
	h := deadline.Middleware(5*time.Second, http.NotFoundHandler(), deadline.WithGrace(200*time.Millisecond))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code)
	// Output: 404
}
