//go:build go1.25

package compose_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/compose"
	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/retryhttp"
	"github.com/blockcheck/blockcheck/shim/shed"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// gauge tracks the handlers running and the most seen at once.
type gauge struct{ cur, peak atomic.Int64 }

func (g *gauge) enter() {
	n := g.cur.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
}

func (g *gauge) exit() { g.cur.Add(-1) }

// answers records what clients received.
type answers struct {
	mu    sync.Mutex
	codes map[int]int
	bad   []string // answers that break an invariant
}

func (a *answers) add(resp *http.Response, body string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.codes == nil {
		a.codes = map[int]int{}
	}
	a.codes[resp.StatusCode]++
	switch {
	case (resp.StatusCode == 429 || resp.StatusCode == 503) && resp.Header.Get("Retry-After") == "":
		a.bad = append(a.bad, fmt.Sprintf("%d without Retry-After: %q", resp.StatusCode, body))
	case resp.StatusCode == 200 && body != "ok":
		a.bad = append(a.bad, fmt.Sprintf("200 with body %q", body))
	}
}

func serve(t *testing.T, h http.Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	base := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(func() {
		base.CloseIdleConnections()
		srv.Close()
	})
	return srv, &http.Client{Transport: base}
}

func get(t *testing.T, c *http.Client, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestServerSheddingDoesNotOpenTheBreaker fills the concurrency limit and
// sends more: the extra requests are refused with 503 and Retry-After by the
// limit, the breaker counts none of them, and a rate-limited client gets 429
// even while every slot is taken.
func TestServerSheddingDoesNotOpenTheBreaker(t *testing.T) {
	const limit = 4
	gate := make(chan struct{})
	entered := make(chan struct{}, limit)
	var g gauge
	br := breaker.New(gobreaker.Settings{Name: "h", ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 3 }})
	stack := []compose.ServerOption{
		compose.WithObserver(monitor.NewMemory()),
		compose.WithRateLimit(ratelimit.New(rate.Every(time.Hour), limit+2, ratelimit.WithKey(ratelimit.Header("X-Client")))),
		compose.WithLimit(shed.New(limit)),
		compose.WithBreaker(br),
		compose.WithDeadline(time.Minute),
	}
	srv, client := serve(t, compose.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.enter()
		defer g.exit()
		entered <- struct{}{}
		<-gate
		io.WriteString(w, "ok")
	}), stack...))

	var ans answers
	var wg sync.WaitGroup
	for i := range limit {
		wg.Go(func() { ans.add(get(t, client, srv.URL, "X-Client", fmt.Sprint("c", i))) })
	}
	for range limit {
		<-entered
	}
	for i := range 20 {
		resp, body := get(t, client, srv.URL, "X-Client", fmt.Sprint("d", i))
		ans.add(resp, body)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	}
	assert.Equal(t, gobreaker.StateClosed, br.State(), "the limit's 503s are not the handler's failures")
	assert.Zero(t, br.Counts().TotalFailures)
	for range limit + 2 { // the flooding client's burst: shed, since the slots are full
		resp, body := get(t, client, srv.URL, "X-Client", "flood")
		ans.add(resp, body)
	}
	resp, body := get(t, client, srv.URL, "X-Client", "flood")
	ans.add(resp, body)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the rate limit answers before the full concurrency limit")

	close(gate)
	wg.Wait()
	assert.Empty(t, ans.bad)
	assert.Equal(t, map[int]int{200: limit, 503: 20 + limit + 2, 429: 1}, ans.codes)
	assert.LessOrEqual(t, g.peak.Load(), int64(limit))
}

// TestServerTimedOutHandlersKeepTheirSlots lets handlers that ignore their
// context run past the deadline: the deadline answers their clients, the
// breaker counts the timeouts and opens, and the slots stay taken until the
// handlers end, for both a fixed and an adaptive limit.
func TestServerTimedOutHandlersKeepTheirSlots(t *testing.T) {
	const limit = 3
	for _, name := range []string{"shed", "adaptive"} {
		t.Run(name, func(t *testing.T) {
			var lim compose.Limit = shed.New(limit)
			if name == "adaptive" {
				lim = adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(limit, limit))
			}
			release := make(chan struct{})
			ended := make(chan struct{}, limit)
			var g gauge
			br := breaker.New(gobreaker.Settings{Name: "h", Timeout: time.Hour,
				ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= limit }})
			stack := []compose.ServerOption{
				compose.WithLimit(lim),
				compose.WithBreaker(br),
				compose.WithDeadline(20 * time.Millisecond),
			}
			srv, client := serve(t, compose.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() { ended <- struct{}{} }()
				g.enter()
				defer g.exit()
				<-release // ignores its context, as the handlers blockcheck reports do
				io.WriteString(w, "late")
			}), stack...))
			defer func() {
				close(release)
				for range limit {
					<-ended
				}
			}()

			var ans answers
			var wg sync.WaitGroup
			for range limit {
				wg.Go(func() {
					resp, body := get(t, client, srv.URL)
					ans.add(resp, body)
					assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "answered at the deadline")
				})
			}
			wg.Wait()
			assert.Equal(t, gobreaker.StateOpen, br.State(), "timeouts count as failures")
			assert.EqualValues(t, limit, g.cur.Load(), "the timed-out handlers still run")
			for range 10 {
				resp, body := get(t, client, srv.URL)
				ans.add(resp, body)
				assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
				assert.NotContains(t, body, "deadline", "refused at the door, not run and timed out")
			}
			assert.LessOrEqual(t, g.peak.Load(), int64(limit), "slots are held until the handlers end")
			assert.Empty(t, ans.bad)
		})
	}
}

// TestServerUnderLoad runs 32 loopback clients against the full stack while
// handlers are fast, fail, or outlive their deadline, and checks the
// invariants: the handlers running never exceed the limit's max, every 429
// and 503 carries Retry-After, no 200 is empty, and nothing leaks.
func TestServerUnderLoad(t *testing.T) {
	const (
		clients  = 32
		requests = 1500
		maxLimit = 8
	)
	for _, name := range []string{"shed", "adaptive"} {
		t.Run(name, func(t *testing.T) {
			var lim compose.Limit = shed.New(maxLimit, shed.WithWait(time.Millisecond))
			if name == "adaptive" {
				lim = adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(2, maxLimit), adaptive.WithWait(time.Millisecond))
			}
			var g gauge
			mem := monitor.NewMemory()
			stack := []compose.ServerOption{
				compose.WithObserver(mem),
				compose.WithRateLimit(ratelimit.New(rate.Inf, 1, ratelimit.WithKey(ratelimit.Header("X-Client")))),
				compose.WithLimit(lim),
				compose.WithBreaker(breaker.New(gobreaker.Settings{Name: "h", Timeout: 5 * time.Millisecond,
					ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 5 }})),
				compose.WithDeadline(5 * time.Millisecond),
			}
			mux := http.NewServeMux()
			mux.HandleFunc("GET /work/{kind}", func(w http.ResponseWriter, r *http.Request) {
				g.enter()
				defer g.exit()
				// Service time, so that requests overlap; nothing waits on it.
				switch r.PathValue("kind") {
				case "slow": // outlives the deadline, ignoring its context
					time.Sleep(10 * time.Millisecond)
				case "fail":
					http.Error(w, "broken", http.StatusInternalServerError)
					return
				default:
					time.Sleep(200 * time.Microsecond)
				}
				io.WriteString(w, "ok")
			})
			// Handlers that outlive their deadline end 10 ms later;
			// goleak waits for them.
			srv, client := serve(t, compose.Handler(mux, stack...))

			var ans answers
			var next atomic.Int64
			var wg sync.WaitGroup
			for c := range clients {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(c), 7))
					for next.Add(1) <= requests {
						kind := "fast"
						switch n := rng.IntN(20); {
						case n == 0:
							kind = "slow"
						case n == 1:
							kind = "fail"
						}
						ans.add(get(t, client, srv.URL+"/work/"+kind, "X-Client", fmt.Sprint(c)))
					}
				})
			}
			wg.Wait()
			assert.Empty(t, ans.bad)
			assert.LessOrEqual(t, g.peak.Load(), int64(maxLimit), "handlers running at once")
			total := 0
			for _, n := range ans.codes {
				total += n
			}
			assert.Equal(t, requests, total)
			assert.Positive(t, ans.codes[200])
			snap := mem.Snapshot()
			assert.EqualValues(t, 0, snap.InFlight)
			t.Logf("%s: answers %v, peak handlers %d", name, ans.codes, g.peak.Load())
		})
	}
}

// outage is a loopback service that can fail every request (503) or hang,
// and counts attempts and the attempts in progress.
type outage struct {
	down, hang atomic.Bool
	attempts   atomic.Int64
	g          gauge
}

func (o *outage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.attempts.Add(1)
	o.g.enter()
	defer o.g.exit()
	switch {
	case o.hang.Load():
		<-r.Context().Done() // until the client gives up on the attempt
		return
	case o.down.Load():
		time.Sleep(200 * time.Microsecond) // service time, so attempts overlap
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ok")
}

// TestClientDuringAnOutage sends 1,600 requests from 16 goroutines through
// the client stack while the service answers 503 to everything: the fallback
// answers every one, retries stay within the budget, the breaker opens and
// then nothing more is sent, and the attempts in flight never exceed the
// limit's max.
func TestClientDuringAnOutage(t *testing.T) {
	const (
		goroutines = 16
		requests   = 1600
		maxLimit   = 6
		ratio      = 0.1
		burst      = 10
	)
	svc := &outage{}
	svc.down.Store(true)
	srv, _ := serve(t, svc)
	base := &http.Transport{MaxIdleConnsPerHost: goroutines}
	defer base.CloseIdleConnections()

	br := breaker.New(gobreaker.Settings{Name: "svc", Timeout: time.Hour,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 50 }})
	var fallbacks, openRefusals atomic.Int64
	stack := []compose.ClientOption{
		compose.WithRetry(retryhttp.WithPolicy(retry.Policy{Attempts: 4, Jitter: func(time.Duration) time.Duration { return 0 }}),
			retryhttp.WithBudget(retryhttp.NewBudget(ratio, burst)),
			retryhttp.WithTimeout(time.Minute)),
		compose.WithClientLimit(adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, maxLimit), adaptive.WithInitial(maxLimit), adaptive.WithWait(time.Second))),
		compose.WithClientBreaker(br),
		compose.WithAttemptTimeout(time.Minute),
		compose.WithFallback(func(req *http.Request, err error) (*http.Response, error) {
			fallbacks.Add(1)
			var oe *breaker.OpenError
			if errors.As(err, &oe) {
				openRefusals.Add(1)
			}
			return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("cached")), Request: req}, nil
		}),
	}
	client := &http.Client{Transport: compose.Transport(base, stack...)}

	var next atomic.Int64
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range goroutines {
		wg.Go(func() {
			for next.Add(1) <= requests {
				resp, err := client.Get(srv.URL)
				if err != nil {
					bad.Add(1)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "cached" {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	attempts := svc.attempts.Load()
	t.Logf("outage: %d requests, %d attempts sent, %d answered by the fallback, %d refused by the open breaker",
		requests, attempts, fallbacks.Load(), openRefusals.Load())
	assert.Zero(t, bad.Load(), "every request answered by the fallback")
	assert.EqualValues(t, requests, fallbacks.Load())
	assert.LessOrEqual(t, float64(attempts), requests+burst+ratio*requests, "retries within the budget")
	assert.Equal(t, gobreaker.StateOpen, br.State())
	assert.Positive(t, openRefusals.Load(), "once open, the breaker refuses without sending")
	assert.LessOrEqual(t, svc.g.peak.Load(), int64(maxLimit), "attempts in flight never exceed the limit")
}

// TestClientAttemptTimeoutIsRetried: a hung attempt ends at the attempt
// timeout and the next attempt, within the total timeout, succeeds.
func TestClientAttemptTimeoutIsRetried(t *testing.T) {
	svc := &outage{}
	svc.hang.Store(true)
	srv, _ := serve(t, svc)
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	var retried atomic.Int32
	br := breaker.New(gobreaker.Settings{Name: "svc"})
	stack := []compose.ClientOption{
		compose.WithRetry(retryhttp.WithPolicy(retry.Policy{Attempts: 3, Jitter: func(time.Duration) time.Duration { return 0 },
			OnRetry: func(int, error, time.Duration) {
				retried.Add(1)
				svc.hang.Store(false)
			}})),
		compose.WithClientLimit(adaptive.New(adaptive.AIMD{})),
		compose.WithClientBreaker(br),
		compose.WithAttemptTimeout(20 * time.Millisecond),
	}
	client := &http.Client{Transport: compose.Transport(base, stack...)}
	resp, err := client.Get(srv.URL)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "ok", string(b))
	assert.EqualValues(t, 1, retried.Load())
	assert.EqualValues(t, 2, svc.attempts.Load())
	assert.EqualValues(t, 1, br.Counts().TotalFailures, "the hung attempt counts as a failure")
}

func TestClientCallerCancelEndsEverything(t *testing.T) {
	var attempts atomic.Int64
	arrived := make(chan struct{}, 4)
	srv, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		arrived <- struct{}{}
		<-r.Context().Done() // until the client gives up
	}))
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	br := breaker.New(gobreaker.Settings{Name: "svc"})
	lim := adaptive.New(adaptive.AIMD{})
	stack := []compose.ClientOption{
		compose.WithRetry(),
		compose.WithClientLimit(lim),
		compose.WithClientBreaker(br),
	}
	client := &http.Client{Transport: compose.Transport(base, stack...)}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	done := make(chan error, 1)
	go func() {
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-arrived // the attempt reached the server
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	assert.EqualValues(t, 1, attempts.Load(), "a cancelled request is not retried")
	assert.Zero(t, br.Counts().TotalFailures, "the caller's cancellation is not the service's failure")
	assert.Zero(t, lim.InFlight())
}

// TestClientLimitRefusalsAreNotFailures fills the client's concurrency limit
// and sends more: they are refused locally with adaptive.ErrLimited, not
// retried, and the breaker counts none of them as the service's failures.
func TestClientLimitRefusalsAreNotFailures(t *testing.T) {
	gate, entered := make(chan struct{}), make(chan struct{})
	var attempts atomic.Int64
	srv, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			close(entered)
			<-gate
		}
		io.WriteString(w, "ok")
	}))
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	br := breaker.New(gobreaker.Settings{Name: "svc", ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 3 }})
	stack := []compose.ClientOption{
		compose.WithRetry(retryhttp.WithPolicy(retry.Policy{Attempts: 3, Jitter: func(time.Duration) time.Duration { return 0 }})),
		compose.WithClientLimit(adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, 1))),
		compose.WithClientBreaker(br),
	}
	client := &http.Client{Transport: compose.Transport(base, stack...)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := client.Get(srv.URL)
		if assert.NoError(t, err) {
			resp.Body.Close()
		}
	}()
	<-entered
	for range 10 {
		_, err := client.Get(srv.URL)
		require.ErrorIs(t, err, adaptive.ErrLimited)
	}
	close(gate)
	<-done
	assert.EqualValues(t, 1, attempts.Load(), "refusals are neither sent nor retried")
	assert.Equal(t, gobreaker.StateClosed, br.State())
	assert.Zero(t, br.Counts().TotalFailures, "the limit's refusals are not the service's failures")
}

// TestClientNoPermitHeldDuringRetryWait: a request waiting to retry holds no
// permit of the limit, so another request goes through meanwhile.
func TestClientNoPermitHeldDuringRetryWait(t *testing.T) {
	var attempts atomic.Int64
	srv, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	waiting := make(chan struct{})
	lim := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, 1))
	stack := []compose.ClientOption{
		compose.WithRetry(retryhttp.WithPolicy(retry.Policy{Attempts: 2, Base: time.Hour, Max: time.Hour,
			Jitter:  func(d time.Duration) time.Duration { return d },
			OnRetry: func(int, error, time.Duration) { close(waiting) }})),
		compose.WithClientLimit(lim),
	}
	client := &http.Client{Transport: compose.Transport(base, stack...)}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	done := make(chan error, 1)
	go func() {
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-waiting // the first request waits an hour to retry
	assert.Zero(t, lim.InFlight(), "no permit held during the wait")
	resp, err := client.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}
