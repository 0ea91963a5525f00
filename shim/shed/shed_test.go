//go:build go1.25

package shed_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/shed"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestBoundHeldUnder100Concurrent(t *testing.T) {
	const limit = 10
	mem := monitor.NewMemory()
	s := shed.New(limit, shed.WithObserver(mem))
	var cur, peak atomic.Int64
	entered := make(chan struct{}, 100)
	release := make(chan struct{})
	h := s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		entered <- struct{}{}
		<-release
		cur.Add(-1)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()

	codes := make(chan int, 100)
	retry := make(chan string, 100)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			resp, err := client.Get(srv.URL)
			if !assert.NoError(t, err) {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
			retry <- resp.Header.Get("Retry-After")
		})
	}
	// Every request is either in the handler or answered 503.
	for range limit {
		<-entered
	}
	shedCount := 0
	for shedCount < 100-limit {
		code := <-codes
		require.Equal(t, http.StatusServiceUnavailable, code)
		assert.Equal(t, "1", <-retry)
		shedCount++
	}
	assert.Equal(t, limit, s.InFlight())
	close(release)
	wg.Wait()
	close(codes)
	for code := range codes {
		assert.Equal(t, 200, code)
	}
	assert.Equal(t, int64(limit), peak.Load())
	assert.Equal(t, 0, s.InFlight())
	assert.Equal(t, uint64(90), mem.Snapshot().Routes[monitor.UnmatchedRoute].Shed)
}

func TestWaitForSlot(t *testing.T) {
	s := shed.New(1, shed.WithWait(time.Minute))
	release, err := s.Acquire(t.Context())
	require.NoError(t, err)

	got := make(chan error)
	go func() {
		r, err := s.Acquire(t.Context())
		if err == nil {
			r()
		}
		got <- err
	}()
	release() // the waiter gets the slot
	require.NoError(t, <-got)
	assert.Equal(t, 0, s.InFlight())
}

func TestWaitHonoursContext(t *testing.T) {
	s := shed.New(1, shed.WithWait(time.Hour))
	release, err := s.Acquire(t.Context())
	require.NoError(t, err)
	defer release()
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan error)
	go func() {
		_, err := s.Acquire(ctx)
		got <- err
	}()
	cancel()
	assert.ErrorIs(t, <-got, context.Canceled)

	// In the middleware, a client that left gets no 503 and is not counted.
	mem := monitor.NewMemory()
	s2 := shed.New(1, shed.WithWait(time.Hour), shed.WithObserver(mem))
	rel2, err := s2.Acquire(t.Context())
	require.NoError(t, err)
	defer rel2()
	rec := httptest.NewRecorder()
	gone, cancel2 := context.WithCancel(t.Context())
	cancel2()
	s2.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil).WithContext(gone))
	assert.False(t, rec.Flushed)
	assert.Empty(t, rec.Body.String())
	assert.Empty(t, mem.Snapshot().Routes)
}

func TestRetryAfterOption(t *testing.T) {
	s := shed.New(1, shed.WithRetryAfter(2500*time.Millisecond))
	release, err := s.Acquire(t.Context())
	require.NoError(t, err)
	defer release()
	rec := httptest.NewRecorder()
	s.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Equal(t, "3", rec.Header().Get("Retry-After"))
}

func TestPanicReleasesSlot(t *testing.T) {
	s := shed.New(1)
	h := s.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	assert.Panics(t, func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)) })
	assert.Equal(t, 0, s.InFlight())
}

func BenchmarkShed(b *testing.B) {
	s := shed.New(1 << 20)
	h := s.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
