//go:build go1.25

package cache_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/blockcheck/blockcheck/shim/cache"
)

// discard is a minimal ResponseWriter, so the benchmarks measure the cache
// rather than httptest.ResponseRecorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }

var body = []byte(`{"id":7,"name":"widget","price":42}`)

func upstreamHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}

// BenchmarkCacheHit is the per-request cost of serving a stored response.
func BenchmarkCacheHit(b *testing.B) {
	c := cache.New(cache.WithVaryHeaders("Accept-Language"))
	h := c.Middleware(upstreamHandler())
	r := httptest.NewRequest("GET", "/products/7?currency=EUR", nil)
	r.Header.Set("Accept-Language", "en")
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, r)
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
	if c.Stats().Hits == 0 {
		b.Fatal("no hits")
	}
}

// BenchmarkCacheMiss is the per-request cost of a miss: the flight, the
// recording of the response and its storage (with evictions), over a
// trivial upstream.
func BenchmarkCacheMiss(b *testing.B) {
	c := cache.New(cache.WithMaxEntries(1024))
	h := c.Middleware(upstreamHandler())
	reqs := make([]*http.Request, 4096)
	for i := range reqs {
		reqs[i] = httptest.NewRequest("GET", "/products/"+strconv.Itoa(i), nil)
	}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, reqs[i%len(reqs)]) // 4096 keys through 1024 entries: all misses
		i++
	}
	if c.Stats().Hits != 0 {
		b.Fatal("unexpected hits")
	}
}

// BenchmarkUpstreamOnly is the baseline the two above add to.
func BenchmarkUpstreamOnly(b *testing.B) {
	h := upstreamHandler()
	r := httptest.NewRequest("GET", "/products/7", nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}
