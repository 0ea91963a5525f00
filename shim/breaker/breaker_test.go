//go:build go1.25

package breaker_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errDown = errors.New("dependency down")

// trips after n consecutive failures.
func settings(n uint32, timeout time.Duration) gobreaker.Settings {
	return gobreaker.Settings{
		Name:        "dep",
		Timeout:     timeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= n },
	}
}

func fail(context.Context) error    { return errDown }
func succeed(context.Context) error { return nil }

// TestOpensHalfOpensCloses runs on synctest's fake clock, so that "open"
// lasts exactly its timeout however slow the machine (on the real clock a
// 20 ms window could pass before the refused call was made).
func TestOpensHalfOpensCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := monitor.NewMemory()
		b := breaker.New(settings(3, 20*time.Millisecond), breaker.WithObserver(mem))
		ctx := t.Context()
		for range 3 {
			require.ErrorIs(t, b.Execute(ctx, fail), errDown)
		}
		require.Equal(t, gobreaker.StateOpen, b.State())

		time.Sleep(19 * time.Millisecond) // still open, however slow the machine
		called := false
		err := b.Execute(ctx, func(context.Context) error { called = true; return nil })
		assert.False(t, called, "an open breaker must not call fn")
		assert.ErrorIs(t, err, gobreaker.ErrOpenState)
		var oe *breaker.OpenError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, "dep", oe.Name)
		assert.Equal(t, time.Millisecond, oe.RetryAfter)

		// Half-open comes lazily once Timeout has passed.
		time.Sleep(2 * time.Millisecond)
		require.Equal(t, gobreaker.StateHalfOpen, b.State())
		assert.Zero(t, b.RetryAfter())
		// One failing probe re-opens it.
		require.ErrorIs(t, b.Execute(ctx, fail), errDown)
		require.Equal(t, gobreaker.StateOpen, b.State())
		time.Sleep(21 * time.Millisecond)
		require.Equal(t, gobreaker.StateHalfOpen, b.State())
		// One successful probe (MaxRequests defaults to 1) closes it.
		require.NoError(t, b.Execute(ctx, succeed))
		require.Equal(t, gobreaker.StateClosed, b.State())

		assert.Equal(t, monitor.BreakerStats{State: "closed", Changes: 5, Opened: 2}, mem.Snapshot().Breakers["dep"])
	})
}

func TestHalfOpenTooManyRequests(t *testing.T) {
	b := breaker.New(settings(1, 10*time.Millisecond))
	ctx := t.Context()
	require.Error(t, b.Execute(ctx, fail))
	require.Eventually(t, func() bool { return b.State() == gobreaker.StateHalfOpen }, 5*time.Second, time.Millisecond)

	entered, release := make(chan struct{}), make(chan struct{})
	probe := make(chan error)
	go func() {
		probe <- b.Execute(ctx, func(context.Context) error {
			close(entered)
			<-release
			return nil
		})
	}()
	<-entered
	err := b.Execute(ctx, succeed)
	assert.ErrorIs(t, err, gobreaker.ErrTooManyRequests)
	var oe *breaker.OpenError
	assert.ErrorAs(t, err, &oe)
	close(release)
	require.NoError(t, <-probe)
	assert.Equal(t, gobreaker.StateClosed, b.State())
}

func TestCallerGivingUpIsNotAFailure(t *testing.T) {
	b := breaker.New(settings(1, time.Minute))

	ctx, cancel := context.WithCancel(t.Context())
	err := b.Execute(ctx, func(ctx context.Context) error {
		cancel()
		return ctx.Err()
	})
	require.ErrorIs(t, err, context.Canceled)

	// The caller's own deadline passing is the caller's business too.
	dctx, dcancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer dcancel()
	err = b.Execute(dctx, func(ctx context.Context) error {
		<-ctx.Done()
		return fmt.Errorf("query: %w", ctx.Err())
	})
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// context.Canceled from below counts as the caller's, whatever ctx says.
	require.ErrorIs(t, b.Execute(t.Context(), func(context.Context) error { return context.Canceled }), context.Canceled)

	// A done context is refused without calling fn or counting.
	called := false
	require.ErrorIs(t, b.Execute(ctx, func(context.Context) error { called = true; return nil }), context.Canceled)
	assert.False(t, called)

	assert.Equal(t, gobreaker.StateClosed, b.State())
	c := b.Counts()
	assert.Equal(t, uint32(3), c.TotalExclusions)
	assert.Zero(t, c.TotalFailures)

	// The dependency's own timeout, with the caller still waiting, counts.
	err = b.Execute(t.Context(), func(context.Context) error { return context.DeadlineExceeded })
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, gobreaker.StateOpen, b.State())
}

func TestPanicCountsAsFailure(t *testing.T) {
	b := breaker.New(settings(1, time.Minute))
	assert.Panics(t, func() {
		_ = b.Execute(t.Context(), func(context.Context) error { panic("boom") })
	})
	assert.Equal(t, gobreaker.StateOpen, b.State())
}

func TestDo(t *testing.T) {
	b := breaker.New(settings(1, time.Minute))
	v, err := breaker.Do(t.Context(), b, func(context.Context) (int, error) { return 42, nil })
	require.NoError(t, err)
	assert.Equal(t, 42, v)
	_, err = breaker.Do(t.Context(), b, func(context.Context) (int, error) { return 0, errDown })
	require.ErrorIs(t, err, errDown)
	v, err = breaker.Do(t.Context(), b, func(context.Context) (int, error) { return 42, nil })
	assert.ErrorIs(t, err, gobreaker.ErrOpenState)
	assert.Zero(t, v)
}

// flaky is a server that fails while failing is set and counts its hits.
type flaky struct {
	failing atomic.Bool
	hits    atomic.Int64
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	if f.failing.Load() {
		http.Error(w, "down", http.StatusBadGateway)
		return
	}
	fmt.Fprint(w, "ok")
}

func get(t *testing.T, c *http.Client, url string) (int, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestTransport talks to a loopback server while the breaker's clock is
// synctest's: the server lives outside the bubble and the client keeps no
// idle connections, so that nothing in the bubble waits on the network when
// the test sleeps through the open state.
func TestTransport(t *testing.T) {
	f := &flaky{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	synctest.Test(t, func(t *testing.T) {
		b := breaker.New(settings(3, 20*time.Millisecond))
		tr := srv.Client().Transport.(*http.Transport).Clone()
		tr.DisableKeepAlives = true
		c := &http.Client{Transport: b.Transport(tr)}

		code, err := get(t, c, srv.URL)
		require.NoError(t, err)
		assert.Equal(t, 200, code)

		f.failing.Store(true)
		for range 3 {
			code, err := get(t, c, srv.URL)
			require.NoError(t, err, "a 5xx response still reaches the caller")
			assert.Equal(t, http.StatusBadGateway, code)
		}
		require.Equal(t, gobreaker.StateOpen, b.State())
		hits := f.hits.Load()
		time.Sleep(19 * time.Millisecond) // still open, however slow the machine
		_, err = get(t, c, srv.URL)
		assert.ErrorIs(t, err, gobreaker.ErrOpenState)
		var oe *breaker.OpenError
		assert.ErrorAs(t, err, &oe)
		assert.Equal(t, hits, f.hits.Load(), "an open breaker must not send")

		f.failing.Store(false)
		time.Sleep(2 * time.Millisecond)
		require.Equal(t, gobreaker.StateHalfOpen, b.State())
		code, err = get(t, c, srv.URL)
		require.NoError(t, err)
		assert.Equal(t, 200, code)
		assert.Equal(t, gobreaker.StateClosed, b.State())
	})
}

func TestTransportErrorsAndCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	url := srv.URL
	srv.Close() // connections are now refused
	b := breaker.New(settings(2, time.Minute))
	c := &http.Client{Transport: b.Transport(&http.Transport{})}
	defer c.CloseIdleConnections()

	// A cancelled request is not the dependency's failure.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for range 5 {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		_, err := c.Do(req)
		require.ErrorIs(t, err, context.Canceled)
	}
	assert.Equal(t, gobreaker.StateClosed, b.State())

	for range 2 {
		_, err := get(t, c, url)
		require.Error(t, err)
	}
	assert.Equal(t, gobreaker.StateOpen, b.State())
}

func TestWithFailureStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	b := breaker.New(settings(1, time.Minute), breaker.WithFailureStatus(func(s int) bool { return s == 429 || s >= 500 }))
	c := &http.Client{Transport: b.Transport(srv.Client().Transport)}
	_, err := get(t, c, srv.URL)
	require.NoError(t, err)
	assert.Equal(t, gobreaker.StateOpen, b.State())
}

func TestMiddleware(t *testing.T) {
	var failing atomic.Bool
	var hits atomic.Int64
	b := breaker.New(settings(2, 30*time.Second))
	h := b.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if failing.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	assert.Equal(t, 200, serve(httptest.NewRequest("GET", "/", nil)).Code)
	failing.Store(true)

	// The client left: its 500 is not counted.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for range 3 {
		serve(httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	}
	assert.Equal(t, gobreaker.StateClosed, b.State())

	serve(httptest.NewRequest("GET", "/", nil))
	serve(httptest.NewRequest("GET", "/", nil))
	require.Equal(t, gobreaker.StateOpen, b.State())

	n := hits.Load()
	rec := serve(httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Equal(t, n, hits.Load())
	ra, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	require.NoError(t, err)
	assert.True(t, ra >= 29 && ra <= 30, "Retry-After %d", ra)
	assert.InDelta(t, 30*time.Second, b.RetryAfter(), float64(time.Second))
}

func TestMiddlewareHalfOpenRetryAfter(t *testing.T) {
	b := breaker.New(settings(1, 5*time.Millisecond))
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int64
	h := b.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(500)
			return
		}
		close(entered)
		<-release
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	require.Eventually(t, func() bool { return b.State() == gobreaker.StateHalfOpen }, 5*time.Second, time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	<-entered
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	close(release)
	<-done
	assert.Equal(t, gobreaker.StateClosed, b.State())
}

func TestUserCallbacksStillCalled(t *testing.T) {
	var changes []string
	st := settings(1, time.Minute)
	st.OnStateChange = func(_ string, from, to gobreaker.State) { changes = append(changes, from.String()+">"+to.String()) }
	st.IsExcluded = func(err error) bool { return errors.Is(err, errDown) }
	b := breaker.New(st)
	require.Error(t, b.Execute(t.Context(), fail))
	assert.Equal(t, gobreaker.StateClosed, b.State(), "user's IsExcluded kept")
	require.Error(t, b.Execute(t.Context(), func(context.Context) error { return errors.New("other") }))
	assert.Equal(t, []string{"closed>open"}, changes)
}

func BenchmarkBreakerMiddleware(b *testing.B) {
	br := breaker.New(gobreaker.Settings{Name: "bench"})
	h := br.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
