package cache_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/blockcheck/blockcheck/shim/cache"
)

func ExampleNew() {
	c := cache.New(
		cache.WithTTL(30*time.Second),
		cache.WithMaxEntries(10_000),
		cache.WithMaxBytes(64<<20),
		cache.WithVaryHeaders("Accept-Language"),
	)
	calls := 0
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++ // e.g. a query to a slow database
		io.WriteString(w, "price: 42")
	})
	h := c.Middleware(slow)

	for range 3 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/products/7", nil))
		fmt.Println(w.Header().Get("X-Cache"), w.Body.String())
	}
	fmt.Println("upstream calls:", calls)
	// Output:
	// MISS price: 42
	// HIT price: 42
	// HIT price: 42
	// upstream calls: 1
}

func ExampleCache_Middleware() {
	c := cache.New(cache.WithTTL(time.Minute))
	mux := http.NewServeMux()
	mux.Handle("GET /weather/{city}", c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "sunny in %s", r.PathValue("city"))
	})))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for range 2 {
		resp, err := http.Get(srv.URL + "/weather/oslo")
		if err != nil {
			fmt.Println(err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.Header.Get("X-Cache"), string(b))
	}
	// Output:
	// MISS sunny in oslo
	// HIT sunny in oslo
}

func ExampleCache_Stats() {
	c := cache.New()
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	for _, path := range []string{"/a", "/a", "/b"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/a", nil))
	st := c.Stats()
	fmt.Println(st.Hits, st.Misses, st.Bypassed, st.Entries)
	// Output: 1 2 1 2
}

func ExampleWithStatuses() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	c := cache.New(
		cache.WithTTL(10*time.Second),
		cache.WithStatuses(http.StatusOK, http.StatusNotFound), // cache "not found" too
		cache.WithClock(func() time.Time { return now }),       // an injected clock
	)
	h := c.Middleware(http.NotFoundHandler())
	get := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/missing", nil))
		return w
	}
	get()
	now = now.Add(3 * time.Second)
	w := get()
	fmt.Println(w.Code, w.Header().Get("X-Cache"), w.Header().Get("Age"))
	now = now.Add(10 * time.Second)
	fmt.Println(get().Header().Get("X-Cache"))
	// Output:
	// 404 HIT 3
	// MISS
}

func ExampleStats() {
	c := cache.New(cache.WithMaxEntries(1))
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	for _, path := range []string{"/a", "/b"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	fmt.Printf("%+v\n", c.Stats())
	// Output: {Hits:0 Misses:2 Shared:0 Bypassed:0 Evictions:1 Entries:1 Bytes:34}
}

func ExampleCache() {
	// One Cache can front several handlers; they share its bounds.
	c := cache.New(cache.WithMaxEntries(100))
	users := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "users") }))
	orders := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "orders") }))
	users.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/users", nil))
	orders.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/orders", nil))
	fmt.Println(c.Stats().Entries)
	// Output: 2
}

func ExampleWithVaryHeaders() {
	// The handler builds links from X-Forwarded-Host: key on it, or one
	// client's value would be served to everyone.
	c := cache.New(cache.WithVaryHeaders("X-Forwarded-Host"))
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "https://"+r.Header.Get("X-Forwarded-Host")+"/login")
	}))
	for _, host := range []string{"evil.example", "shop.example"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-Forwarded-Host", host)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Header().Get("X-Cache"), w.Body.String())
	}
	// Output:
	// MISS https://evil.example/login
	// MISS https://shop.example/login
}

func ExampleWithIgnoreCookies() {
	// No handler under this cache reads cookies (an analytics cookie rides
	// along on every request), so cookie-bearing requests may share entries.
	c := cache.New(cache.WithIgnoreCookies())
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "catalogue")
	}))
	for _, id := range []string{"a", "b"} {
		r := httptest.NewRequest("GET", "/catalogue", nil)
		r.Header.Set("Cookie", "_ga="+id)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Header().Get("X-Cache"))
	}
	// Output:
	// MISS
	// HIT
}
