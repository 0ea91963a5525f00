//go:build go1.25

package cache_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/cache"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// clock is an injectable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// upstream is a handler that counts its calls.
type upstream struct {
	calls atomic.Int64
	fn    func(n int64, w http.ResponseWriter, r *http.Request)
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := u.calls.Add(1)
	if u.fn != nil {
		u.fn(n, w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "response %d for %s", n, r.URL.RequestURI())
}

func do(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting on channel")
		panic("unreachable")
	}
}

func TestHitMissAndTTL(t *testing.T) {
	clk := newClock()
	c := cache.New(cache.WithTTL(10*time.Second), cache.WithClock(clk.Now))
	up := &upstream{}
	h := c.Middleware(up)

	w := do(h, "GET", "/a?x=1")
	assert.Equal(t, cache.Miss, w.Header().Get("X-Cache"))
	assert.Equal(t, "response 1 for /a?x=1", w.Body.String())

	clk.Advance(4 * time.Second)
	w = do(h, "GET", "/a?x=1")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, cache.Hit, w.Header().Get("X-Cache"))
	assert.Equal(t, "4", w.Header().Get("Age"))
	assert.Equal(t, "text/plain", w.Header().Get("Content-Type"))
	assert.Equal(t, "response 1 for /a?x=1", w.Body.String())
	assert.Equal(t, int64(1), up.calls.Load())

	w = do(h, "GET", "/a?x=2") // the query is part of the key
	assert.Equal(t, cache.Miss, w.Header().Get("X-Cache"))

	clk.Advance(6 * time.Second) // 10s after storing: expired
	w = do(h, "GET", "/a?x=1")
	assert.Equal(t, cache.Miss, w.Header().Get("X-Cache"))
	assert.Equal(t, "response 3 for /a?x=1", w.Body.String())
	assert.Equal(t, int64(3), up.calls.Load())

	st := c.Stats()
	assert.Equal(t, uint64(1), st.Hits)
	assert.Equal(t, uint64(3), st.Misses)
	assert.Equal(t, 2, st.Entries)
}

func TestMaxAgeShortensTTL(t *testing.T) {
	clk := newClock()
	c := cache.New(cache.WithTTL(time.Hour), cache.WithClock(clk.Now))
	up := &upstream{fn: func(n int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=5")
		fmt.Fprint(w, n)
	}}
	h := c.Middleware(up)
	do(h, "GET", "/")
	clk.Advance(4 * time.Second)
	assert.Equal(t, cache.Hit, do(h, "GET", "/").Header().Get("X-Cache"))
	clk.Advance(time.Second)
	assert.Equal(t, cache.Miss, do(h, "GET", "/").Header().Get("X-Cache"))
}

func TestNotCached(t *testing.T) {
	cases := []struct {
		name   string
		method string
		req    []string
		fn     func(w http.ResponseWriter)
	}{
		{"POST", "POST", nil, nil},
		{"404", "GET", nil, func(w http.ResponseWriter) { http.NotFound(w, nil) }},
		{"no-store", "GET", nil, func(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }},
		{"private", "GET", nil, func(w http.ResponseWriter) { w.Header().Set("Cache-Control", "private, max-age=60") }},
		{"no-cache", "GET", nil, func(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-cache") }},
		{"max-age=0", "GET", nil, func(w http.ResponseWriter) { w.Header().Set("Cache-Control", "max-age=0") }},
		{"Set-Cookie", "GET", nil, func(w http.ResponseWriter) { w.Header().Set("Set-Cookie", "s=1") }},
		{"Vary not in key", "GET", nil, func(w http.ResponseWriter) { w.Header().Set("Vary", "Cookie") }},
		{"Vary *", "GET", nil, func(w http.ResponseWriter) { w.Header().Set("Vary", "*") }},
		{"Authorization", "GET", []string{"Authorization", "Bearer x"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := cache.New()
			up := &upstream{fn: func(n int64, w http.ResponseWriter, r *http.Request) {
				if tc.fn != nil {
					tc.fn(w)
				}
				fmt.Fprint(w, n)
			}}
			h := c.Middleware(up)
			do(h, tc.method, "/x", tc.req...)
			w := do(h, tc.method, "/x", tc.req...)
			assert.NotEqual(t, cache.Hit, w.Header().Get("X-Cache"))
			assert.Equal(t, int64(2), up.calls.Load())
			assert.Zero(t, c.Stats().Entries)
		})
	}
}

func TestConfigurableMethodsAndStatuses(t *testing.T) {
	c := cache.New(cache.WithMethods("GET"), cache.WithStatuses(200, 404))
	up := &upstream{fn: func(n int64, w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }}
	h := c.Middleware(up)
	do(h, "GET", "/gone")
	w := do(h, "GET", "/gone")
	assert.Equal(t, cache.Hit, w.Header().Get("X-Cache"))
	assert.Equal(t, http.StatusNotFound, w.Code)
	do(h, "HEAD", "/gone")
	do(h, "HEAD", "/gone")
	assert.Equal(t, int64(3), up.calls.Load(), "HEAD is not in Methods")
}

func TestVaryHeaders(t *testing.T) {
	c := cache.New(cache.WithVaryHeaders("accept-language", "Authorization"))
	up := &upstream{fn: func(n int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Language")
		fmt.Fprintf(w, "%d:%s", n, r.Header.Get("Accept-Language"))
	}}
	h := c.Middleware(up)
	assert.Equal(t, "1:en", do(h, "GET", "/", "Accept-Language", "en").Body.String())
	assert.Equal(t, "2:fr", do(h, "GET", "/", "Accept-Language", "fr").Body.String())
	w := do(h, "GET", "/", "Accept-Language", "en")
	assert.Equal(t, cache.Hit, w.Header().Get("X-Cache"))
	assert.Equal(t, "1:en", w.Body.String())
	// Authorization is varied on, so such requests are cached per credential.
	do(h, "GET", "/", "Accept-Language", "en", "Authorization", "a")
	assert.Equal(t, cache.Hit, do(h, "GET", "/", "Accept-Language", "en", "Authorization", "a").Header().Get("X-Cache"))
	assert.Equal(t, cache.Miss, do(h, "GET", "/", "Accept-Language", "en", "Authorization", "b").Header().Get("X-Cache"))
}

func TestHead(t *testing.T) {
	c := cache.New()
	h := c.Middleware(&upstream{})
	do(h, "HEAD", "/h")
	w := do(h, "HEAD", "/h")
	assert.Equal(t, cache.Hit, w.Header().Get("X-Cache"))
	assert.Empty(t, w.Body.String())
	assert.Equal(t, cache.Miss, do(h, "GET", "/h").Header().Get("X-Cache"), "GET and HEAD are cached apart")
}

func TestEvictionLRU(t *testing.T) {
	c := cache.New(cache.WithMaxEntries(2))
	up := &upstream{}
	h := c.Middleware(up)
	do(h, "GET", "/a")
	do(h, "GET", "/b")
	assert.Equal(t, cache.Hit, do(h, "GET", "/a").Header().Get("X-Cache")) // a is now most recent
	do(h, "GET", "/c")                                                     // evicts b
	assert.Equal(t, cache.Hit, do(h, "GET", "/a").Header().Get("X-Cache"))
	assert.Equal(t, cache.Miss, do(h, "GET", "/b").Header().Get("X-Cache"))
	st := c.Stats()
	assert.Equal(t, 2, st.Entries)
	assert.Equal(t, uint64(2), st.Evictions) // b, then c for b
}

func TestEvictionBytes(t *testing.T) {
	body := strings.Repeat("x", 1000)
	c := cache.New(cache.WithMaxBytes(2500))
	up := &upstream{fn: func(_ int64, w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) }}
	h := c.Middleware(up)
	for _, p := range []string{"/1", "/2", "/3"} {
		do(h, "GET", p)
	}
	st := c.Stats()
	assert.Equal(t, 2, st.Entries, "the third 1000-byte body pushes out the first")
	assert.LessOrEqual(t, st.Bytes, int64(2500))
	assert.Equal(t, cache.Miss, do(h, "GET", "/1").Header().Get("X-Cache"))
}

func TestLargeBodyStreamsUncached(t *testing.T) {
	c := cache.New(cache.WithMaxEntryBytes(10))
	up := &upstream{fn: func(_ int64, w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "0123456789")
		require.NoError(t, http.NewResponseController(w).Flush(), "Flush reaches the client's writer")
		io.WriteString(w, "abc")
	}}
	h := c.Middleware(up)
	w := do(h, "GET", "/big")
	assert.Equal(t, "0123456789abc", w.Body.String())
	assert.True(t, w.Flushed)
	assert.Zero(t, c.Stats().Entries)
}

func TestStampedeCollapsesToOneUpstreamCall(t *testing.T) {
	const n = 20
	c := cache.New()
	var joined sync.WaitGroup
	joined.Add(n)
	cache.SetJoinedHook(c, joined.Done)
	release := make(chan struct{})
	up := &upstream{fn: func(_ int64, w http.ResponseWriter, _ *http.Request) {
		<-release // a slow dependency
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"price":42}`)
	}}
	srv := httptest.NewServer(c.Middleware(up))
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()

	type result struct {
		status       int
		body, xcache string
		ctype        string
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := client.Get(srv.URL + "/price")
			if !assert.NoError(t, err) {
				results <- result{}
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			results <- result{resp.StatusCode, string(b), resp.Header.Get("X-Cache"), resp.Header.Get("Content-Type")}
		})
	}
	joined.Wait() // every request is in the flight, so none can miss it
	close(release)
	wg.Wait()
	close(results)

	count := map[string]int{}
	for r := range results {
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, `{"price":42}`, r.body)
		assert.Equal(t, "application/json", r.ctype)
		count[r.xcache]++
	}
	assert.Equal(t, int64(1), up.calls.Load(), "one upstream call for the whole stampede")
	assert.Equal(t, map[string]int{cache.Miss: 1, cache.Shared: n - 1}, count)
	st := c.Stats()
	assert.Equal(t, uint64(1), st.Misses)
	assert.Equal(t, uint64(n-1), st.Shared)
}

func TestCancelledFollowerDoesNotAffectLeader(t *testing.T) {
	c := cache.New()
	joined := make(chan struct{}, 2)
	cache.SetJoinedHook(c, func() { joined <- struct{}{} })
	started, release := make(chan struct{}), make(chan struct{})
	up := &upstream{fn: func(_ int64, w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		assert.NoError(t, r.Context().Err(), "the leader's context is its own")
		io.WriteString(w, "fresh")
	}}
	h := c.Middleware(up)

	leader := make(chan *httptest.ResponseRecorder, 1)
	go func() { leader <- do(h, "GET", "/slow") }()
	recv(t, started)
	recv(t, joined)

	ctx, cancel := context.WithCancel(context.Background())
	follower := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/slow", nil).WithContext(ctx))
		follower <- w
	}()
	recv(t, joined)
	cancel()
	fw := recv(t, follower)
	assert.Equal(t, http.StatusServiceUnavailable, fw.Code, "the follower stops waiting at once")

	close(release)
	lw := recv(t, leader)
	assert.Equal(t, http.StatusOK, lw.Code)
	assert.Equal(t, "fresh", lw.Body.String())
	assert.Equal(t, int64(1), up.calls.Load())
	assert.Equal(t, cache.Hit, do(h, "GET", "/slow").Header().Get("X-Cache"), "the leader's response was stored")
}

func TestCancelledLeaderFollowersRetry(t *testing.T) {
	c := cache.New()
	joined := make(chan struct{}, 4)
	cache.SetJoinedHook(c, func() { joined <- struct{}{} })
	started := make(chan struct{})
	up := &upstream{fn: func(n int64, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			close(started)
			<-r.Context().Done() // the leader's client went away
			w.WriteHeader(http.StatusGatewayTimeout)
			return
		}
		io.WriteString(w, "ok")
	}}
	h := c.Middleware(up)

	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/p", nil).WithContext(ctx))
		leader <- w
	}()
	recv(t, started)
	recv(t, joined)
	follower := make(chan *httptest.ResponseRecorder, 1)
	go func() { follower <- do(h, "GET", "/p") }()
	recv(t, joined)
	cancel()

	assert.Equal(t, http.StatusGatewayTimeout, recv(t, leader).Code)
	fw := recv(t, follower)
	assert.Equal(t, http.StatusOK, fw.Code, "the follower does not get the cancelled leader's response")
	assert.Equal(t, "ok", fw.Body.String())
	assert.Equal(t, cache.Miss, fw.Header().Get("X-Cache"), "it led a new flight")
	assert.Equal(t, int64(2), up.calls.Load())
}

func TestLeaderPanicReleasesFollowers(t *testing.T) {
	c := cache.New()
	joined := make(chan struct{}, 4)
	cache.SetJoinedHook(c, func() { joined <- struct{}{} })
	started, release := make(chan struct{}), make(chan struct{})
	up := &upstream{fn: func(n int64, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			close(started)
			<-release
			panic(http.ErrAbortHandler)
		}
		io.WriteString(w, "ok")
	}}
	h := c.Middleware(up)

	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }() // net/http would do this
		do(h, "GET", "/p")
	}()
	recv(t, started)
	recv(t, joined)
	follower := make(chan *httptest.ResponseRecorder, 1)
	go func() { follower <- do(h, "GET", "/p") }()
	recv(t, joined)
	close(release)
	assert.Equal(t, http.ErrAbortHandler, recv(t, panicked), "the panic reaches the leader's own goroutine")
	assert.Equal(t, "ok", recv(t, follower).Body.String())
}

func TestConcurrentHitsShareHeadersSafely(t *testing.T) {
	c := cache.New()
	h := c.Middleware(&upstream{fn: func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Link", "</a>; rel=preload")
		io.WriteString(w, "x")
	}})
	do(h, "GET", "/")
	// Handlers after the cache that append to a shared header must not race.
	appender := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(appendingWriter{w}, r)
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				w := do(appender, "GET", "/")
				assert.Len(t, w.Header().Values("Link"), 2)
			}
		})
	}
	wg.Wait()
}

// appendingWriter adds a header value when the header is written.
type appendingWriter struct{ http.ResponseWriter }

func (a appendingWriter) WriteHeader(code int) {
	a.Header()["Link"] = append(a.Header()["Link"], "</b>; rel=preload")
	a.ResponseWriter.WriteHeader(code)
}
