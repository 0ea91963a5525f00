package compose_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sony/gobreaker/v2"
	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/compose"
	"github.com/blockcheck/blockcheck/shim/deadline"
	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/retryhttp"
	"github.com/blockcheck/blockcheck/shim/shed"
)

func ExampleServer() {
	mem := monitor.NewMemory()
	stack := compose.Server{
		Observer:        mem,
		RateLimit:       ratelimit.New(rate.Limit(50), 100, ratelimit.WithKey(ratelimit.ClientIP())),
		Limit:           adaptive.New(adaptive.Gradient{}, adaptive.WithBounds(4, 256), adaptive.WithObserver(mem)),
		Breaker:         breaker.New(gobreaker.Settings{Name: "search"}, breaker.WithObserver(mem)),
		Timeout:         2 * time.Second,
		DeadlineOptions: []deadline.Option{deadline.WithObserver(mem)},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "results")
	})
	srv := httptest.NewServer(stack.Handler(mux))
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL + "/search")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 results
}

func ExampleServer_Handler() {
	// A full limit answers 503 with Retry-After before the breaker or the
	// handler see the request.
	s := shed.New(1)
	release, _ := s.Wait(context.Background()) // the only slot
	defer release()
	h := compose.Server{Limit: s, Timeout: time.Second}.Handler(http.NotFoundHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))
	// Output: 503 1
}

func ExampleLimit() {
	// Either kind of concurrency limit fits.
	for _, l := range []compose.Limit{shed.New(64), adaptive.New(adaptive.AIMD{})} {
		h := compose.Server{Limit: l}.Handler(http.NotFoundHandler())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		fmt.Printf("%T %d\n", l, rec.Code)
	}
	// Output:
	// *shed.Shedder 404
	// *adaptive.Limiter 404
}

func ExampleClient() {
	// One budget for all the clients of this service.
	budget := retryhttp.NewBudget(0.1, 10)
	stack := compose.Client{
		Retry: []retryhttp.Option{
			retryhttp.WithBudget(budget),
			retryhttp.WithTimeout(5 * time.Second),
			retryhttp.WithPolicy(retry.Policy{Attempts: 3, Base: 50 * time.Millisecond}),
		},
		Limit:          adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(2, 64)),
		Breaker:        breaker.New(gobreaker.Settings{Name: "inventory"}),
		AttemptTimeout: time.Second,
		Fallback: func(req *http.Request, err error) (*http.Response, error) {
			// Serve a default rather than an error.
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("[]")), Request: req}, nil
		},
	}
	client := &http.Client{Transport: stack.Transport(nil)}
	defer client.CloseIdleConnections()

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600") // longer than the total timeout: not retried
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 []
}

func ExampleClient_Transport() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	// Only the layers that are set: here a breaker and an attempt timeout.
	rt := compose.Client{
		Breaker:        breaker.New(gobreaker.Settings{Name: "svc"}),
		AttemptTimeout: time.Second,
	}.Transport(&http.Transport{})
	client := &http.Client{Transport: rt}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body) // readable: the attempt's deadline ends with the body
	resp.Body.Close()
	fmt.Println(string(body))
	// Output: ok
}
