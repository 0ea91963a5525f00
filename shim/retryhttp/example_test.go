package retryhttp_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/retryhttp"
)

// flaky returns a loopback server that answers 503 to the first n requests.
func flaky(n int32) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s", r.Method, body)
	}))
	return srv, &calls
}

// fast is a policy that does not wait, to keep the examples quick.
var fast = retry.Policy{Attempts: 3, Jitter: func(time.Duration) time.Duration { return 0 }}

func ExampleNew() {
	srv, calls := flaky(2)
	defer srv.Close()
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithPolicy(fast))}
	defer client.CloseIdleConnections()

	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.StatusCode, calls.Load())
	// Output: 200 3
}

func ExampleTransport() {
	// A POST is retried only with an idempotency key, and its body is sent
	// again through GetBody, which http.NewRequest sets for strings.Reader.
	srv, _ := flaky(1)
	defer srv.Close()
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithPolicy(fast))}
	defer client.CloseIdleConnections()

	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("order-42"))
	req.Header.Set("Idempotency-Key", "4f1c")
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 POST order-42
}

func ExampleTransport_RoundTrip() {
	srv, calls := flaky(1)
	defer srv.Close()
	rt := retryhttp.New(nil, retryhttp.WithPolicy(fast))
	defer rt.CloseIdleConnections()

	// A POST without an idempotency key is sent once.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("x"))
	resp, err := rt.RoundTrip(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, calls.Load())
	// Output: 503 1
}

func ExampleTransport_CloseIdleConnections() {
	base := &http.Transport{}
	client := &http.Client{Transport: retryhttp.New(base)}
	// Reaches base through the retrying transport.
	client.CloseIdleConnections()
	fmt.Println("closed")
	// Output: closed
}

func ExampleOption() {
	opts := []retryhttp.Option{
		retryhttp.WithPolicy(retry.Policy{Attempts: 4, Base: 50 * time.Millisecond, Max: 2 * time.Second}),
		retryhttp.WithTimeout(10 * time.Second),
		retryhttp.WithMaxRetryAfter(5 * time.Second),
	}
	client := &http.Client{Transport: retryhttp.New(nil, opts...)}
	fmt.Println(client.Transport != nil)
	// Output: true
}

func ExampleWithPolicy() {
	srv, _ := flaky(2)
	defer srv.Close()
	p := fast
	p.OnRetry = func(attempt int, err error, wait time.Duration) {
		fmt.Printf("attempt %d: %v\n", attempt, err)
	}
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithPolicy(p))}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	// Output:
	// attempt 1: retryhttp: status 503 Service Unavailable
	// attempt 2: retryhttp: status 503 Service Unavailable
}

func ExampleWithBudget() {
	srv, calls := flaky(1000) // an outage
	defer srv.Close()
	// No more than 1 retry per 10 requests, plus 2 in reserve.
	budget := retryhttp.NewBudget(0.1, 2)
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithPolicy(fast), retryhttp.WithBudget(budget))}
	defer client.CloseIdleConnections()
	for range 10 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
	}
	// Without the budget: 30 attempts. With it: 10 + the 2 in reserve (the
	// deposits of 10 requests, 0.1 each, do not yet make a whole retry).
	fmt.Println(calls.Load())
	// Output: 12
}

func ExampleWithTimeout() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	// The server asks for a minute; the caller has one second in all, so
	// the 503 is returned at once rather than waited on.
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithTimeout(time.Second), retryhttp.WithMaxRetryAfter(time.Hour))}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"))
	// Output: 503 60
}

func ExampleWithMaxRetryAfter() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithMaxRetryAfter(10*time.Second))}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode) // not retried: an hour is more than 10 s
	// Output: 503
}

func ExampleWithRetryIf() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "oops", http.StatusInternalServerError)
	}))
	defer srv.Close()
	var attempts int
	p := fast
	p.OnRetry = func(int, error, time.Duration) { attempts++ }
	// This service's 500s are known to be transient.
	retryIf := func(resp *http.Response, err error) bool {
		return retryhttp.Retryable(resp, err) || resp.StatusCode == http.StatusInternalServerError
	}
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithPolicy(p), retryhttp.WithRetryIf(retryIf))}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, attempts)
	// Output: 500 2
}

func ExampleRetryable() {
	fmt.Println(retryhttp.Retryable(&http.Response{StatusCode: 503}, nil))
	fmt.Println(retryhttp.Retryable(&http.Response{StatusCode: 500}, nil))
	fmt.Println(retryhttp.Retryable(nil, errors.New("connection reset by peer")))
	// Output:
	// true
	// false
	// true
}

func ExampleStatusError() {
	var err error = &retryhttp.StatusError{StatusCode: 429}
	var se *retryhttp.StatusError
	fmt.Println(errors.As(err, &se), se.StatusCode)
	// Output: true 429
}

func ExampleStatusError_Error() {
	fmt.Println((&retryhttp.StatusError{StatusCode: 504}).Error())
	// Output: retryhttp: status 504 Gateway Timeout
}

func ExampleBudget() {
	// Share one budget between the transports that call one service.
	budget := retryhttp.NewBudget(retryhttp.DefaultBudgetRatio, retryhttp.DefaultBudgetBurst)
	api := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithBudget(budget))}
	uploads := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithBudget(budget), retryhttp.WithTimeout(time.Minute))}
	fmt.Println(api != uploads, budget.Tokens())
	// Output: true 10
}

func ExampleNewBudget() {
	b := retryhttp.NewBudget(0.2, 5)
	fmt.Println(b.Tokens())
	// Output: 5
}

func ExampleBudget_Tokens() {
	srv, _ := flaky(1000)
	defer srv.Close()
	budget := retryhttp.NewBudget(0, 2)
	client := &http.Client{Transport: retryhttp.New(nil, retryhttp.WithPolicy(fast), retryhttp.WithBudget(budget))}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL) // 3 attempts: 2 retries spent
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(budget.Tokens())
	// Output: 0
}
