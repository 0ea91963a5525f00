//go:build go1.25

package monitor_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/monitor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var _ monitor.Observer = monitor.Nop{}
var _ monitor.Observer = (*monitor.Memory)(nil)

func TestMiddlewareRecordsPattern(t *testing.T) {
	m := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok"))
	})
	h := monitor.Middleware(m, mux)
	for _, p := range []string{"/items/1", "/items/2", "/ok", "/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	s := m.Snapshot()
	assert.Equal(t, int64(0), s.InFlight)
	require.Contains(t, s.Routes, "GET /items/{id}")
	assert.Equal(t, uint64(2), s.Routes["GET /items/{id}"].Requests)
	assert.Equal(t, map[string]uint64{"4xx": 2}, s.Routes["GET /items/{id}"].Status)
	assert.Equal(t, map[string]uint64{"2xx": 1}, s.Routes["GET /ok"].Status)
	// ServeMux's 404 has no pattern.
	assert.Equal(t, map[string]uint64{"4xx": 1}, s.Routes[monitor.UnmatchedRoute].Status)
}

func TestMiddlewareRouteFallback(t *testing.T) {
	m := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a/{x}", func(http.ResponseWriter, *http.Request) {})
	// A middleware that copies the request hides Pattern from the outside.
	copying := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(r.Context()))
	})
	h := monitor.Middleware(m, copying, monitor.WithRoute(monitor.MuxPattern(mux)))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a/1", nil))
	assert.Equal(t, uint64(1), m.Snapshot().Routes["GET /a/{x}"].Requests)
}

func TestMiddlewarePanicCountsAs500(t *testing.T) {
	m := monitor.NewMemory()
	h := monitor.Middleware(m, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	})
	s := m.Snapshot()
	assert.Equal(t, map[string]uint64{"5xx": 1}, s.Routes[monitor.UnmatchedRoute].Status)
	assert.Equal(t, int64(0), s.InFlight)
}

func TestMiddlewareNilObserver(t *testing.T) {
	next := http.NotFoundHandler()
	assert.Equal(t, fmt.Sprint(next), fmt.Sprint(monitor.Middleware(nil, next)))
}

func TestMiddlewareKeepsFlusher(t *testing.T) {
	m := monitor.NewMemory()
	rec := httptest.NewRecorder()
	h := monitor.Middleware(m, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, http.NewResponseController(w).Flush())
		w.(http.Flusher).Flush()
	}))
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.True(t, rec.Flushed)
	assert.Equal(t, map[string]uint64{"2xx": 1}, m.Snapshot().Routes[monitor.UnmatchedRoute].Status)
}

func TestInFlight(t *testing.T) {
	m := monitor.NewMemory()
	entered := make(chan struct{})
	release := make(chan struct{})
	h := monitor.Middleware(m, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)) })
	}
	for range 3 {
		<-entered
	}
	assert.Equal(t, int64(3), m.Snapshot().InFlight)
	close(release)
	wg.Wait()
	assert.Equal(t, int64(0), m.Snapshot().InFlight)
}

func TestQuantiles(t *testing.T) {
	m := monitor.NewMemory()
	// 90 fast requests in (1ms, 2ms], 10 slow ones in (100ms, 250ms].
	for range 90 {
		m.RequestStarted()
		m.RequestDone("r", 200, 1500*time.Microsecond)
	}
	for range 10 {
		m.RequestStarted()
		m.RequestDone("r", 200, 200*time.Millisecond)
	}
	l := m.Snapshot().Routes["r"].Latency
	assert.Equal(t, uint64(100), l.Count)
	assert.Equal(t, 200*time.Millisecond, l.Max)
	assert.True(t, l.P50 > time.Millisecond && l.P50 <= 2*time.Millisecond, "p50 %v", l.P50)
	assert.True(t, l.P90 > time.Millisecond && l.P90 <= 2*time.Millisecond, "p90 %v", l.P90)
	assert.True(t, l.P99 > 100*time.Millisecond && l.P99 <= 200*time.Millisecond, "p99 %v", l.P99)
	assert.InDelta(t, float64(21350*time.Microsecond), float64(l.Mean), float64(time.Microsecond))
}

func TestSlowerThanAllBuckets(t *testing.T) {
	m := monitor.NewMemory()
	m.RequestStarted()
	m.RequestDone("r", 200, time.Minute)
	l := m.Snapshot().Routes["r"].Latency
	assert.True(t, l.P99 > 10*time.Second && l.P99 <= time.Minute, "p99 %v", l.P99)
	assert.Equal(t, uint64(1), l.Buckets[len(l.Buckets)-1].Count)
}

func TestRoutesBounded(t *testing.T) {
	m := monitor.NewMemory()
	for i := range 5000 {
		m.Limited(fmt.Sprintf("/user/%d", i))
	}
	s := m.Snapshot()
	assert.LessOrEqual(t, len(s.Routes), 1001)
	assert.Equal(t, uint64(5000-1000), s.Routes[monitor.OtherRoute].Limited)
}

func TestCounters(t *testing.T) {
	m := monitor.NewMemory()
	m.Shed("a")
	m.Limited("a")
	m.Limited("a")
	m.Error("a", errors.New("boom"))
	m.BreakerStateChanged("db", "closed", "open")
	m.BreakerStateChanged("db", "open", "half-open")
	s := m.Snapshot()
	assert.Equal(t, uint64(1), s.Routes["a"].Shed)
	assert.Equal(t, uint64(2), s.Routes["a"].Limited)
	assert.Equal(t, uint64(1), s.Routes["a"].Errors)
	assert.Equal(t, monitor.BreakerStats{State: "half-open", Changes: 2, Opened: 1}, s.Breakers["db"])
}

func TestHandlerJSON(t *testing.T) {
	m := monitor.NewMemory()
	m.RequestStarted()
	m.RequestDone("GET /x", 503, 3*time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/shim", nil))
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	var got struct {
		InFlight int64 `json:"in_flight"`
		Routes   map[string]struct {
			Requests uint64            `json:"requests"`
			Status   map[string]uint64 `json:"status"`
			Latency  struct {
				Count uint64 `json:"count"`
				P50   string `json:"p50"`
			} `json:"latency"`
		} `json:"routes"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	r := got.Routes["GET /x"]
	assert.Equal(t, uint64(1), r.Requests)
	assert.Equal(t, uint64(1), r.Status["5xx"])
	assert.Equal(t, uint64(1), r.Latency.Count)
	d, err := time.ParseDuration(r.Latency.P50)
	require.NoError(t, err)
	assert.True(t, d > 2*time.Millisecond && d <= 3*time.Millisecond, "p50 %v", d)
}

func TestConcurrent(t *testing.T) {
	m := monitor.NewMemory()
	h := monitor.Middleware(m, http.NotFoundHandler())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
				m.Shed("x")
				_ = m.Snapshot()
			}
		})
	}
	wg.Wait()
	s := m.Snapshot()
	assert.Equal(t, uint64(1600), s.Routes[monitor.UnmatchedRoute].Requests)
	assert.Equal(t, uint64(1600), s.Routes["x"].Shed)
}

func BenchmarkMonitor(b *testing.B) {
	m := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(http.ResponseWriter, *http.Request) {})
	h := monitor.Middleware(m, mux)
	r := httptest.NewRequest("GET", "/items/1", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

func TestMiddlewareKeepsHijacker(t *testing.T) {
	m := monitor.NewMemory()
	srv := httptest.NewServer(monitor.Middleware(m, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := w.(http.Hijacker).Hijack()
		if !assert.NoError(t, err) {
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: close\r\n\r\n")
		_ = rw.Flush()
	})))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	// The client can read the response before the handler returns and the middleware records it.
	assert.Eventually(t, func() bool {
		return assert.ObjectsAreEqual(map[string]uint64{"1xx": 1}, m.Snapshot().Routes[monitor.UnmatchedRoute].Status)
	}, 5*time.Second, time.Millisecond)
}
