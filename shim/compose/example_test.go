package compose_test

import (
	"context"
	"errors"
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

// status serves one request to h and prints the status and Retry-After.
func status(h http.Handler) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/search", nil))
	if ra := rec.Header().Get("Retry-After"); ra != "" {
		fmt.Println(rec.Code, ra)
		return
	}
	fmt.Println(rec.Code)
}

func ExampleHandler() {
	mem := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "results")
	})
	// The order of the options does not matter: Handler puts the layers in
	// the documented order.
	h := compose.Handler(mux,
		compose.WithDeadline(2*time.Second, deadline.WithObserver(mem)),
		compose.WithBreaker(breaker.New(gobreaker.Settings{Name: "search"}, breaker.WithObserver(mem))),
		compose.WithLimit(adaptive.New(adaptive.Gradient{}, adaptive.WithBounds(4, 256), adaptive.WithObserver(mem))),
		compose.WithRateLimit(ratelimit.New(rate.Limit(50), 100, ratelimit.WithKey(ratelimit.ClientIP()))),
		compose.WithObserver(mem),
	)
	srv := httptest.NewServer(h)
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

func ExampleServerOption() {
	opts := []compose.ServerOption{
		compose.WithLimit(shed.New(64)),
		compose.WithDeadline(time.Second),
	}
	status(compose.Handler(http.NotFoundHandler(), opts...))
	// Output: 404
}

func ExampleLimit() {
	// Either kind of concurrency limit fits.
	for _, l := range []compose.Limit{shed.New(64), adaptive.New(adaptive.AIMD{})} {
		fmt.Printf("%T ", l)
		status(compose.Handler(http.NotFoundHandler(), compose.WithLimit(l)))
	}
	// Output:
	// *shed.Shedder 404
	// *adaptive.Limiter 404
}

func ExampleWithObserver() {
	mem := monitor.NewMemory()
	status(compose.Handler(http.NotFoundHandler(), compose.WithObserver(mem)))
	fmt.Println(mem.Snapshot().Routes[monitor.UnmatchedRoute].Requests)
	// Output:
	// 404
	// 1
}

func ExampleWithRateLimit() {
	rl := ratelimit.New(rate.Every(time.Hour), 1) // one request, then 429
	h := compose.Handler(http.NotFoundHandler(), compose.WithRateLimit(rl), compose.WithLimit(shed.New(1)))
	status(h)
	status(h)
	// Output:
	// 404
	// 429 3600
}

func ExampleWithLimit() {
	s := shed.New(1)
	release, _ := s.Wait(context.Background()) // the only slot
	defer release()
	// A full limit answers 503 with Retry-After before the breaker or the
	// handler see the request.
	status(compose.Handler(http.NotFoundHandler(), compose.WithLimit(s),
		compose.WithBreaker(breaker.New(gobreaker.Settings{Name: "h"}))))
	// Output: 503 1
}

func ExampleWithBreaker() {
	b := breaker.New(gobreaker.Settings{Name: "h", ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 }})
	failing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	})
	h := compose.Handler(failing, compose.WithBreaker(b))
	status(h) // counts as a failure and opens the breaker
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After") != "")
	// Output:
	// 500
	// 503 true
}

func ExampleWithDeadline() {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // honours its context
	})
	status(compose.Handler(slow, compose.WithDeadline(time.Millisecond, deadline.WithStatus(http.StatusGatewayTimeout))))
	// Output: 504 1
}

// service returns a loopback server that answers every request with code.
func service(code int, retryAfter string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
		io.WriteString(w, "ok")
	}))
}

// show sends a GET through rt and prints the outcome.
func show(rt http.RoundTripper, url string) {
	client := &http.Client{Transport: rt}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
}

func ExampleTransport() {
	srv := service(http.StatusServiceUnavailable, "3600") // longer than we wait: not retried
	defer srv.Close()
	budget := retryhttp.NewBudget(0.1, 10) // one for all the clients of this service
	rt := compose.Transport(nil,
		compose.WithRetry(
			retryhttp.WithBudget(budget),
			retryhttp.WithTimeout(5*time.Second),
			retryhttp.WithPolicy(retry.Policy{Attempts: 3, Base: 50 * time.Millisecond}),
		),
		compose.WithClientLimit(adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(2, 64))),
		compose.WithClientBreaker(breaker.New(gobreaker.Settings{Name: "inventory"})),
		compose.WithAttemptTimeout(time.Second),
		compose.WithFallback(func(req *http.Request, err error) (*http.Response, error) {
			// Serve a default rather than an error.
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("[]")), Request: req}, nil
		}),
	)
	show(rt, srv.URL)
	// Output: 200 []
}

func ExampleClientOption() {
	srv := service(http.StatusOK, "")
	defer srv.Close()
	opts := []compose.ClientOption{
		compose.WithClientBreaker(breaker.New(gobreaker.Settings{Name: "svc"})),
		compose.WithAttemptTimeout(time.Second),
	}
	show(compose.Transport(&http.Transport{}, opts...), srv.URL)
	// Output: 200 ok
}

func ExampleWithRetry() {
	srv := service(http.StatusBadGateway, "")
	defer srv.Close()
	attempts := 0
	p := retry.Policy{Attempts: 3, Jitter: func(time.Duration) time.Duration { return 0 },
		OnRetry: func(int, error, time.Duration) { attempts++ }}
	show(compose.Transport(nil, compose.WithRetry(retryhttp.WithPolicy(p))), srv.URL)
	fmt.Println("retries:", attempts)
	// Output:
	// 502 ok
	// retries: 2
}

func ExampleWithClientLimit() {
	srv := service(http.StatusOK, "")
	defer srv.Close()
	lim := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, 1))
	p, _ := lim.TryAcquire() // the only permit
	rt := compose.Transport(nil, compose.WithClientLimit(lim), compose.WithRetry())
	client := &http.Client{Transport: rt}
	defer client.CloseIdleConnections()
	_, err := client.Get(srv.URL) // refused at once, and not retried
	fmt.Println(errors.Is(err, adaptive.ErrLimited))
	p.Ignore()
	show(rt, srv.URL)
	// Output:
	// true
	// 200 ok
}

func ExampleWithClientBreaker() {
	srv := service(http.StatusInternalServerError, "")
	defer srv.Close()
	b := breaker.New(gobreaker.Settings{Name: "svc", ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 }})
	rt := compose.Transport(nil, compose.WithClientBreaker(b))
	show(rt, srv.URL) // a failure: the breaker opens
	fmt.Println(b.State())
	// Output:
	// 500 ok
	// open
}

func ExampleWithAttemptTimeout() {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hang.Close()
	rt := compose.Transport(nil, compose.WithAttemptTimeout(10*time.Millisecond))
	client := &http.Client{Transport: rt}
	defer client.CloseIdleConnections()
	_, err := client.Get(hang.URL)
	fmt.Println(err != nil && strings.Contains(err.Error(), "deadline exceeded"))
	// Output: true
}

func ExampleWithFallback() {
	srv := service(http.StatusServiceUnavailable, "")
	defer srv.Close()
	rt := compose.Transport(nil, compose.WithFallback(func(req *http.Request, err error) (*http.Response, error) {
		var se *retryhttp.StatusError
		if errors.As(err, &se) {
			fmt.Println("fallback for status", se.StatusCode)
		}
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("stale")), Request: req}, nil
	}))
	show(rt, srv.URL)
	// Output:
	// fallback for status 503
	// 200 stale
}
