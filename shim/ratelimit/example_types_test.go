package ratelimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/ratelimit"
)

func ExampleKeyFunc() {
	// Key by tenant, from a path value set by ServeMux.
	var byTenant ratelimit.KeyFunc = func(r *http.Request) string { return r.PathValue("tenant") }
	l := ratelimit.New(rate.Every(time.Minute), 1, ratelimit.WithKey(byTenant))
	mux := http.NewServeMux()
	mux.Handle("POST /t/{tenant}/import", l.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	for _, p := range []string{"/t/a/import", "/t/a/import", "/t/b/import"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("POST", p, nil))
		fmt.Println(p, rec.Code)
	}
	// Output:
	// /t/a/import 200
	// /t/a/import 429
	// /t/b/import 200
}

func ExampleLimiter() {
	// A global limit in front of a per-client one.
	global := ratelimit.New(1000, 100)
	perClient := ratelimit.New(10, 20, ratelimit.WithKey(ratelimit.ClientIP()))
	h := global.Middleware(perClient.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 ok
}

func ExampleOption() {
	opts := []ratelimit.Option{
		ratelimit.WithKey(ratelimit.Header("X-API-Key")),
		ratelimit.WithMaxKeys(100_000),
	}
	l := ratelimit.New(5, 10, opts...)
	fmt.Println(l.Len())
	// Output: 0
}
