//go:build go1.25

package loadsvc_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/internal/loadsvc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestLoad drives the service past its limits over loopback and checks its
// invariants, which hold at any speed: no bound is exceeded (requests in
// flight, workers, queues, rate, goroutines, heap), no accepted task is lost,
// every 429 and 503 carries Retry-After. It asserts nothing about throughput
// or timing, so that it passes on a loaded 2-core machine under -race (it
// used to require that each limit had been hit, which assumed a throughput
// the race detector does not reach).
func TestLoad(t *testing.T) {
	const (
		total       = 2000
		concurrency = 200
	)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a cap against hangs, not a speed
	defer cancel()

	cfg := loadsvc.DefaultConfig()
	s, err := loadsvc.NewServer(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler)
	defer srv.Close()
	wdDone := s.Watchdog.Start(ctx)

	runtime.GC()
	baseline := runtime.NumGoroutine()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseHeap := ms.HeapInuse

	tr := &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}

	// Sample goroutines, heap and the background workers' bounds while the
	// load runs.
	var maxG atomic.Int64
	var maxHeap atomic.Uint64
	var maxPoolRunning, maxQueueRunning, maxQueueBacklog atomic.Int64
	raise := func(a *atomic.Int64, v int) {
		if int64(v) > a.Load() {
			a.Store(int64(v))
		}
	}
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for i := 0; ; i++ {
			if g := int64(runtime.NumGoroutine()); g > maxG.Load() {
				maxG.Store(g)
			}
			ps, qs := s.Pool.Stats(), s.Queue.Stats()
			raise(&maxPoolRunning, ps.Running)
			raise(&maxQueueRunning, qs.Running)
			raise(&maxQueueBacklog, qs.Queued+qs.Waiting)
			if i%10 == 0 {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > maxHeap.Load() {
					maxHeap.Store(ms.HeapInuse)
				}
			}
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
		}
	}()

	type result struct {
		path       string
		code       int
		retryAfter string
		err        error
	}
	jobs := make(chan int)
	results := make(chan result, total)
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for i := range jobs {
				method, path := "GET", "/fast"
				switch i % 5 {
				case 1, 2:
					path = "/slow"
					if i%50 == 1 {
						path = "/slow?d=10s" // a dependency that hangs: the deadline answers
					}
				case 3:
					path = "/search"
				case 4:
					method, path = "POST", "/orders"
					if i%10 == 9 {
						path = "/events"
					}
				}
				req, _ := http.NewRequestWithContext(ctx, method, srv.URL+path, nil)
				resp, err := client.Do(req)
				if err != nil {
					results <- result{path: path, err: err}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				results <- result{path, resp.StatusCode, resp.Header.Get("Retry-After"), nil}
			}
		})
	}
	for i := range total {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	<-sampled
	close(results)
	require.NoError(t, ctx.Err(), "the load must finish within its cap")

	codes := map[int]int{}
	byPath := map[string]map[int]int{}
	n := 0
	for r := range results {
		n++
		require.NoError(t, r.err, r.path)
		codes[r.code]++
		if byPath[r.path] == nil {
			byPath[r.path] = map[int]int{}
		}
		byPath[r.path][r.code]++
		if r.code == http.StatusTooManyRequests || r.code == http.StatusServiceUnavailable {
			assert.NotEmpty(t, r.retryAfter, "%s %d without Retry-After", r.path, r.code)
		}
	}
	assert.Equal(t, total, n)
	t.Logf("%d requests in %v (%.0f/s); statuses %v", n, elapsed, float64(n)/elapsed.Seconds(), codes)
	for p, c := range byPath {
		t.Logf("  %-12s %v", p, c)
	}
	for code := range codes {
		assert.Contains(t, []int{200, 202, 429, 503}, code)
	}
	// A request whose dependency hangs is answered by the deadline, at any
	// speed: never with the dependency's 200.
	assert.Zero(t, byPath["/slow?d=10s"][http.StatusOK], "a hanging dependency cannot answer 200")

	// Bounds, whatever the machine managed.
	assert.LessOrEqual(t, s.SlowPeak(), int64(cfg.MaxInFlight), "GET /slow ran more handlers at once than its limit")
	assert.LessOrEqual(t, maxPoolRunning.Load(), int64(cfg.PoolWorkers))
	assert.LessOrEqual(t, maxQueueRunning.Load(), int64(cfg.QueueWorkers))
	// A retry is never refused, so the backlog may pass the size by at most
	// the number of workers.
	assert.LessOrEqual(t, maxQueueBacklog.Load(), int64(cfg.QueueSize+cfg.QueueWorkers))
	// The rate limit granted no more than its burst and rate allow over the
	// time the load took (every client is 127.0.0.1: one bucket).
	allowed := float64(cfg.Burst) + float64(cfg.RatePerClient)*elapsed.Seconds() + 1
	assert.LessOrEqual(t, float64(byPath["/search"][http.StatusOK]), allowed, "the rate limit granted more than it allows")

	// Per in-flight request: the client's goroutine and its connection's
	// read and write loops, the server's connection goroutine and its
	// background read, and the deadline's handler goroutine. Plus the
	// workers of the pool and of the task queue.
	bound := baseline + concurrency*6 + cfg.PoolWorkers + cfg.QueueWorkers + 50
	t.Logf("goroutines: baseline %d, max %d, bound %d; heap in use: base %d KB, max %d KB",
		baseline, maxG.Load(), bound, baseHeap>>10, maxHeap.Load()>>10)
	assert.LessOrEqual(t, int(maxG.Load()), bound)
	assert.Less(t, maxHeap.Load(), uint64(128<<20), "heap must stay bounded")

	// Monitoring saw the same thing.
	snap := s.Memory.Snapshot()
	assert.Equal(t, uint64(byPath["/search"][http.StatusTooManyRequests]), snap.Routes["GET /search"].Limited)
	slow503 := byPath["/slow"][http.StatusServiceUnavailable] + byPath["/slow?d=10s"][http.StatusServiceUnavailable]
	// A request whose deadline ends its wait for a slot is counted twice,
	// shed by the shedder and timed out by the deadline, for one 503.
	assert.GreaterOrEqual(t, snap.Routes["GET /slow"].Shed+snap.Routes["GET /slow"].Errors, uint64(slow503),
		"every 503 on GET /slow is a shed request or a reported deadline")

	// Shutdown, with little time: every accepted task is completed or
	// handed back, none is lost.
	accepted := func(p string) uint64 { return uint64(byPath[p][http.StatusAccepted]) }
	sctx, scancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer scancel()
	c, err := s.Shutdown(sctx)
	require.NoError(t, err)
	t.Logf("orders: accepted %d, done or failed %d, handed back %d; events: accepted %d, run %d, dropped %d",
		c.Orders, c.OrdersDone, len(c.HandedBack), c.Events, c.EventsRun, c.EventsDrop)
	// A task accepted just as the request's deadline passed is answered
	// 503 by the deadline (the handler's 202 comes too late): the service
	// may have accepted more than its clients saw, never fewer, and never
	// more than those 503s account for.
	atMost := func(p string) uint64 { return accepted(p) + uint64(byPath[p][http.StatusServiceUnavailable]) }
	assert.GreaterOrEqual(t, c.Orders, accepted("/orders"))
	assert.LessOrEqual(t, c.Orders, atMost("/orders"))
	assert.Positive(t, c.Orders)
	assert.Equal(t, c.Orders, c.OrdersDone+uint64(len(c.HandedBack)))
	assert.GreaterOrEqual(t, c.Events, accepted("/events"))
	assert.LessOrEqual(t, c.Events, atMost("/events"))
	assert.Positive(t, c.Events)
	assert.Equal(t, c.Events, c.EventsRun+c.EventsDrop)
	ids := map[string]bool{}
	for _, task := range c.HandedBack {
		assert.Equal(t, "order", task.Name)
		assert.NotEmpty(t, task.Payload)
		assert.False(t, ids[task.ID], "handed back twice: %s", task.ID)
		ids[task.ID] = true
	}

	cancel()
	<-wdDone
	srv.Close()
	tr.CloseIdleConnections()
}
