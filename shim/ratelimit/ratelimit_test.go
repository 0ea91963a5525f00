//go:build go1.25

package ratelimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clock is a fake clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestGlobalRateHolds(t *testing.T) {
	c := newClock()
	l := ratelimit.New(10, 5, ratelimit.WithClock(c.Now))
	allowed := 0
	// 10 simulated seconds of an attempt every millisecond.
	for range 10_000 {
		if ok, _ := l.Allow("ignored"); ok {
			allowed++
		}
		c.Advance(time.Millisecond)
	}
	// The burst plus 10 per second; the 10,000th millisecond ends at 10s.
	assert.InDelta(t, 5+100, allowed, 1)
}

func TestPerKeyRatesIndependent(t *testing.T) {
	c := newClock()
	l := ratelimit.New(rate.Every(100*time.Millisecond), 1, ratelimit.WithKey(ratelimit.Header("X-API-Key")), ratelimit.WithClock(c.Now))
	counts := map[string]int{}
	for range 2000 { // 2 simulated seconds
		for _, k := range []string{"a", "b", "c"} {
			if ok, _ := l.Allow(k); ok {
				counts[k]++
			}
		}
		c.Advance(time.Millisecond)
	}
	for _, k := range []string{"a", "b", "c"} {
		assert.InDelta(t, 1+20, counts[k], 1, k)
	}
}

// TestDefaultClockRate uses the limiter's default clock, time.Now, on
// synctest's fake clock: an attempt every millisecond for 250 ms at 200/s
// with a burst of 10 is allowed exactly 10 + 50 times. (It used to run on the
// wall clock and require at least half the rate, which a descheduled loop on
// a loaded machine could miss.)
func TestDefaultClockRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := ratelimit.New(200, 10)
		allowed := 0
		for range 250 {
			if ok, _ := l.Allow(""); ok {
				allowed++
			}
			time.Sleep(time.Millisecond)
		}
		assert.InDelta(t, 10+50, allowed, 1)
	})
}

func TestRetryAfterAndReservationCancelled(t *testing.T) {
	c := newClock()
	l := ratelimit.New(rate.Every(10*time.Second), 1, ratelimit.WithClock(c.Now))
	ok, _ := l.Allow("")
	require.True(t, ok)
	for range 5 {
		ok, wait := l.Allow("")
		require.False(t, ok)
		assert.Equal(t, 10*time.Second, wait, "refusals must not queue behind each other")
	}
	c.Advance(10 * time.Second)
	ok, _ = l.Allow("")
	assert.True(t, ok, "refused reservations must have been cancelled")
}

func TestMiddleware429(t *testing.T) {
	c := newClock()
	mem := monitor.NewMemory()
	l := ratelimit.New(rate.Every(2500*time.Millisecond), 2, ratelimit.WithClock(c.Now),
		ratelimit.WithKey(ratelimit.ClientIP()), ratelimit.WithObserver(mem))
	mux := http.NewServeMux()
	mux.Handle("GET /expensive", l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "done")
	})))
	do := func(remote string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/expensive", nil)
		r.RemoteAddr = remote
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		return rec
	}
	assert.Equal(t, 200, do("192.0.2.1:1000").Code)
	assert.Equal(t, 200, do("192.0.2.1:1001").Code)
	rec := do("192.0.2.1:1002")
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Equal(t, "3", rec.Header().Get("Retry-After")) // 2.5s rounded up
	assert.Equal(t, 200, do("192.0.2.2:1000").Code, "another client has its own bucket")
	assert.Equal(t, uint64(1), mem.Snapshot().Routes["GET /expensive"].Limited)
	c.Advance(2500 * time.Millisecond)
	assert.Equal(t, 200, do("192.0.2.1:1003").Code)
}

func TestMemoryBoundedUnderFlood(t *testing.T) {
	l := ratelimit.New(1, 1, ratelimit.WithKey(ratelimit.Header("K")), ratelimit.WithMaxKeys(1000))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 100_000 {
		ok, _ := l.Allow(fmt.Sprintf("key-%d", i))
		require.True(t, ok)
		if i%10_000 == 0 {
			require.LessOrEqual(t, l.Len(), 1000)
		}
	}
	assert.LessOrEqual(t, l.Len(), 1000)
	assert.Greater(t, l.Len(), 900, "the bound should be used, not undershot by much")
	runtime.GC()
	runtime.ReadMemStats(&after)
	// 100k buckets would take well over 10 MB; 1000 take a few hundred KB.
	assert.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(4<<20))

	// A recently used key survives a flood smaller than the bound.
	l2 := ratelimit.New(rate.Every(time.Hour), 1, ratelimit.WithMaxKeys(1000), ratelimit.WithKey(ratelimit.Header("K")))
	ok, _ := l2.Allow("victim")
	require.True(t, ok)
	for i := range 100 {
		l2.Allow(fmt.Sprintf("k%d", i))
	}
	ok, _ = l2.Allow("victim")
	assert.False(t, ok, "victim's bucket must still be empty")
}

func TestConcurrentPerKey(t *testing.T) {
	l := ratelimit.New(rate.Every(time.Hour), 3, ratelimit.WithKey(ratelimit.Header("K")), ratelimit.WithMaxKeys(100))
	var mu sync.Mutex
	allowed := map[string]int{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := fmt.Sprint((g + i) % 10)
				if ok, _ := l.Allow(k); ok {
					mu.Lock()
					allowed[k]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for k, n := range allowed {
		assert.Equal(t, 3, n, k)
	}
	assert.Len(t, allowed, 10)
}

func TestClientIP(t *testing.T) {
	trusted, err := ratelimit.ParsePrefixes("10.0.0.0/8", "192.0.2.7", "2001:db8::/32")
	require.NoError(t, err)
	key := ratelimit.ClientIP(trusted...)
	for _, tc := range []struct {
		name, remote string
		hdr          map[string][]string
		want         string
	}{
		{"direct client", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"untrusted peer's XFF ignored", "203.0.113.5:4000", map[string][]string{"X-Forwarded-For": {"1.1.1.1"}}, "203.0.113.5"},
		{"untrusted peer's X-Real-IP ignored", "203.0.113.5:4000", map[string][]string{"X-Real-Ip": {"1.1.1.1"}}, "203.0.113.5"},
		{"trusted proxy, XFF", "10.1.2.3:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.9"}}, "198.51.100.9"},
		{"spoofed left entries skipped", "10.1.2.3:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.9, 10.9.9.9"}}, "198.51.100.9"},
		{"several XFF headers", "10.1.2.3:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6", "198.51.100.9", "192.0.2.7"}}, "198.51.100.9"},
		{"all trusted: leftmost", "10.1.2.3:4000", map[string][]string{"X-Forwarded-For": {"10.0.0.1, 10.0.0.2"}}, "10.0.0.1"},
		{"malformed stops the walk", "10.1.2.3:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6, garbage, 10.0.0.2"}}, "10.0.0.2"},
		{"X-Real-IP from trusted proxy, not configured", "10.1.2.3:4000", map[string][]string{"X-Real-Ip": {"198.51.100.10"}}, "10.1.2.3"},
		{"bad X-Real-IP", "10.1.2.3:4000", map[string][]string{"X-Real-Ip": {"nope"}}, "10.1.2.3"},
		{"XFF wins over X-Real-IP", "10.1.2.3:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.9"}, "X-Real-Ip": {"6.6.6.6"}}, "198.51.100.9"},
		{"XFF with port", "10.1.2.3:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.9:555"}}, "198.51.100.9"},
		{"IPv6 proxy and client", "[2001:db8::1]:443", map[string][]string{"X-Forwarded-For": {"2001:470::5"}}, "2001:470::/64"},
		{"IPv4-mapped peer", "[::ffff:203.0.113.5]:80", nil, "203.0.113.5"},
		{"not an address", "@", nil, "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for k, v := range tc.hdr {
				r.Header[k] = v
			}
			assert.Equal(t, tc.want, key(r))
		})
	}

	// Without trusted proxies headers never count.
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.1.2.3:4000"
	r.Header.Set("X-Forwarded-For", "1.1.1.1")
	assert.Equal(t, "10.1.2.3", ratelimit.ClientIP()(r))
}

func TestParsePrefixesError(t *testing.T) {
	_, err := ratelimit.ParsePrefixes("10.0.0.0/33")
	assert.ErrorContains(t, err, `trusted proxy "10.0.0.0/33"`)
	_, err = ratelimit.ParsePrefixes("proxy.local")
	assert.Error(t, err)
	p, err := ratelimit.ParsePrefixes("10.1.2.3/8")
	require.NoError(t, err)
	assert.Equal(t, netip.MustParsePrefix("10.0.0.0/8"), p[0])
}

func BenchmarkRateLimitPerKey(b *testing.B) {
	l := ratelimit.New(rate.Inf, 1, ratelimit.WithKey(ratelimit.ClientIP()))
	h := l.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	reqs := make([]*http.Request, 256)
	for i := range reqs {
		reqs[i] = httptest.NewRequest("GET", "/", nil)
		reqs[i].RemoteAddr = fmt.Sprintf("198.51.100.%d:1234", i)
	}
	w := httptest.NewRecorder()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.ServeHTTP(w, reqs[i%len(reqs)])
		i++
	}
}
