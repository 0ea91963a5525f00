package ratelimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
)

func ExampleNew() {
	// One bucket for the whole route: 1 request every 30s, bursts of 2.
	l := ratelimit.New(rate.Every(30*time.Second), 2)
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "report")
	}))
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/report", nil))
		fmt.Printf("%d Retry-After=%q\n", rec.Code, rec.Header().Get("Retry-After"))
	}
	// Output:
	// 200 Retry-After=""
	// 200 Retry-After=""
	// 429 Retry-After="30"
}

func ExampleLimiter_Middleware() {
	trusted, err := ratelimit.ParsePrefixes("10.0.0.0/8") // the load balancers
	if err != nil {
		panic(err)
	}
	l := ratelimit.New(rate.Every(time.Minute), 1, ratelimit.WithKey(ratelimit.ClientIP(trusted...)))
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))

	send := func(peer, xff string) int {
		r := httptest.NewRequest("GET", "/search", nil)
		r.RemoteAddr = peer
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	fmt.Println(send("10.0.0.5:3000", "198.51.100.1")) // client 198.51.100.1 via the balancer
	fmt.Println(send("10.0.0.6:3000", "198.51.100.1")) // same client, other balancer
	fmt.Println(send("10.0.0.5:3000", "198.51.100.2")) // another client
	// Output:
	// 200
	// 429
	// 200
}

func ExampleLimiter_Allow() {
	l := ratelimit.New(rate.Every(time.Second), 1, ratelimit.WithKey(ratelimit.Header("X-API-Key")))
	ok, _ := l.Allow("team-a")
	fmt.Println(ok)
	ok, wait := l.Allow("team-a")
	fmt.Println(ok, wait > 900*time.Millisecond)
	ok, _ = l.Allow("team-b")
	fmt.Println(ok)
	// Output:
	// true
	// false true
	// true
}

func ExampleLimiter_Len() {
	l := ratelimit.New(10, 1, ratelimit.WithKey(ratelimit.Header("K")), ratelimit.WithMaxKeys(100))
	for i := range 1000 {
		l.Allow(fmt.Sprint(i))
	}
	fmt.Println(l.Len())
	// Output: 96
}

func ExampleClientIP() {
	key := ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8"))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:3000"
	// A client wrote the first entry itself; the balancer appended the real address.
	r.Header.Set("X-Forwarded-For", "1.2.3.4, 198.51.100.1")
	fmt.Println(key(r))
	r.RemoteAddr = "203.0.113.9:3000" // not a trusted proxy: headers ignored
	fmt.Println(key(r))
	// Output:
	// 198.51.100.1
	// 203.0.113.9
}

func ExampleHeader() {
	key := ratelimit.Header("x-api-key")
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-API-Key", "k-123")
	fmt.Println(key(r))
	// Output: k-123
}

func ExampleParsePrefixes() {
	p, err := ratelimit.ParsePrefixes("10.0.0.0/8", "192.0.2.7", "2001:db8::/32")
	fmt.Println(p, err)
	// Output: [10.0.0.0/8 192.0.2.7/32 2001:db8::/32] <nil>
}

func ExampleWithKey() {
	perUser := func(r *http.Request) string { return r.URL.Query().Get("user") }
	l := ratelimit.New(rate.Every(time.Hour), 1, ratelimit.WithKey(perUser))
	fmt.Println(l.Allow("ann"))
	// Output: true 0s
}

func ExampleWithMaxKeys() {
	l := ratelimit.New(1, 1, ratelimit.WithKey(ratelimit.Header("K")), ratelimit.WithMaxKeys(16))
	for i := range 100 {
		l.Allow(fmt.Sprint(i))
	}
	fmt.Println(l.Len() <= 16)
	// Output: true
}

func ExampleWithObserver() {
	mem := monitor.NewMemory()
	l := ratelimit.New(rate.Every(time.Hour), 1, ratelimit.WithObserver(mem))
	h := l.Middleware(http.NotFoundHandler())
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	fmt.Println(mem.Snapshot().Routes[monitor.UnmatchedRoute].Limited)
	// Output: 2
}

func ExampleWithClock() {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := ratelimit.New(1, 1, ratelimit.WithClock(func() time.Time { return now }))
	fmt.Println(l.Allow(""))
	fmt.Println(l.Allow(""))
	now = now.Add(time.Second)
	fmt.Println(l.Allow(""))
	// Output:
	// true 0s
	// false 1s
	// true 0s
}

func ExampleClientIPWith() {
	key := ratelimit.ClientIPWith(
		ratelimit.TrustedProxies(netip.MustParsePrefix("10.0.0.0/8")),
		ratelimit.TrustXRealIP(), // this proxy always overwrites X-Real-IP
		ratelimit.IPv6Prefix(56),
	)
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:3000"
	r.Header.Set("X-Real-IP", "2001:db8:1:2aa::77")
	fmt.Println(key(r))
	r.RemoteAddr = "[2001:db8:1:2bb::9]:443" // a direct client in the same /56
	fmt.Println(key(r))
	// Output:
	// 2001:db8:1:200::/56
	// 2001:db8:1:200::/56
}
