//go:build go1.25

package adaptive_test

import (
	"context"
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

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

type shedCount struct {
	monitor.Nop
	n atomic.Int64
}

func (s *shedCount) Shed(string) { s.n.Add(1) }

func TestMiddlewareRefusesWith503AndRetryAfter(t *testing.T) {
	obs := &shedCount{}
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, 1), adaptive.WithRetryAfter(2500*time.Millisecond), adaptive.WithObserver(obs))
	inside, release := make(chan struct{}), make(chan struct{})
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		<-release
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	<-inside
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Equal(t, "3", rec.Header().Get("Retry-After"))
	assert.EqualValues(t, 1, obs.n.Load())
	close(release)
	<-done
	assert.Zero(t, l.InFlight())
}

func TestMiddlewareAnswersWhenAnOuterDeadlineEndsTheWait(t *testing.T) {
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, 1), adaptive.WithWait(time.Hour))
	p, _ := l.TryAcquire()
	defer p.Ignore()
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	l.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "never an empty 200")
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
}

func TestMiddlewareOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		cancel bool
		panics bool
		want   int
	}{
		{"200 grows", 200, false, false, 11},
		{"500 is not overload", 500, false, false, 11},
		{"503 drops", 503, false, false, 5},
		{"504 drops", 504, false, false, 5},
		{"429 drops", 429, false, false, 5},
		{"client gone teaches nothing", 503, true, false, 10},
		{"panic teaches nothing", 200, false, true, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := adaptive.New(adaptive.AIMD{Backoff: 0.5}, adaptive.WithInitial(10))
			// Hold 4 permits so that the limit counts as in use.
			var held []*adaptive.Permit
			for range 4 {
				p, _ := l.TryAcquire()
				held = append(held, p)
			}
			ctx, cancel := context.WithCancel(context.Background())
			h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.cancel {
					cancel()
				}
				if tc.panics {
					panic(http.ErrAbortHandler)
				}
				w.WriteHeader(tc.status)
			}))
			func() {
				defer func() { _ = recover() }()
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil).WithContext(ctx))
			}()
			cancel()
			assert.Equal(t, tc.want, l.Limit())
			assert.Equal(t, 4, l.InFlight(), "the request's permit came back")
			for _, p := range held {
				p.Ignore()
			}
		})
	}
}

func TestTransport(t *testing.T) {
	var status atomic.Int32
	status.Store(200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
		_, _ = io.WriteString(w, "body")
	}))
	defer srv.Close()
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	l := adaptive.New(adaptive.AIMD{Backoff: 0.5}, adaptive.WithBounds(1, 2), adaptive.WithInitial(2))
	client := &http.Client{Transport: l.Transport(base)}

	r1, err := client.Get(srv.URL)
	require.NoError(t, err)
	r2, err := client.Get(srv.URL)
	require.NoError(t, err)
	assert.Equal(t, 2, l.InFlight(), "permits are held until the bodies are done")
	_, err = client.Get(srv.URL)
	require.ErrorIs(t, err, adaptive.ErrLimited)

	_, _ = io.ReadAll(r1.Body) // EOF gives the permit back
	assert.Equal(t, 1, l.InFlight())
	r1.Body.Close()
	r2.Body.Close()
	assert.Zero(t, l.InFlight())
	assert.Equal(t, 2, l.Limit())

	status.Store(503)
	r3, err := client.Get(srv.URL)
	require.NoError(t, err)
	r3.Body.Close()
	assert.Equal(t, 1, l.Limit(), "a 503 from downstream cuts the limit")

	// A request body is closed even when the request is refused.
	p, _ := l.TryAcquire()
	body := &closeTrack{Reader: strings.NewReader("x")}
	req, _ := http.NewRequest(http.MethodPut, srv.URL, body)
	_, err = l.Transport(base).RoundTrip(req)
	require.ErrorIs(t, err, adaptive.ErrLimited)
	assert.True(t, body.closed)
	p.Ignore()
}

type closeTrack struct {
	io.Reader
	closed bool
}

func (c *closeTrack) Close() error { c.closed = true; return nil }

// TestLoopbackLoad runs 32 clients against a loopback server behind the
// middleware while the handler fails (503) for at least 300 requests and then
// recovers. Checked: every grant leaves the permits out within the limit of
// the moment, the handlers running never exceed the max, the limit stays in
// its bounds, falls during the failures and recovers after, every refusal
// carries Retry-After, and nothing leaks.
func TestLoopbackLoad(t *testing.T) {
	const (
		clients  = 32
		minLimit = 2
		maxLimit = 24
		failFor  = 300 // handled requests that fail, at least
		perPhase = 1500
	)
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(minLimit, maxLimit), adaptive.WithInitial(maxLimit), adaptive.WithWait(time.Millisecond))
	var violations atomic.Int64
	adaptive.OnGrant(l, func(inFlight, limit int) {
		if inFlight > limit || limit < minLimit || limit > maxLimit {
			violations.Add(1)
		}
	})
	var running, peak, handled atomic.Int64
	var failing atomic.Bool
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		// Service time, so that requests overlap; nothing waits on it.
		time.Sleep(500 * time.Microsecond)
		handled.Add(1)
		if failing.Load() {
			http.Error(w, "dependency down", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	base := &http.Transport{MaxIdleConnsPerHost: clients}
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: base}

	var refused, refusedNoRetryAfter atomic.Int64
	phase := func(n int) {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for next.Add(1) <= int64(n) {
					resp, err := client.Get(srv.URL)
					if !assert.NoError(t, err) {
						return
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(body), "concurrency limit") {
						refused.Add(1)
						if resp.Header.Get("Retry-After") == "" {
							refusedNoRetryAfter.Add(1)
						}
					}
				}
			})
		}
		wg.Wait()
	}
	// Failures: the limit falls to its min.
	failing.Store(true)
	for handled.Load() < failFor {
		phase(perPhase / 10)
	}
	assert.Equal(t, minLimit, l.Limit(), "300 drops bring the limit to its min")
	failing.Store(false)
	phase(perPhase)
	recovered := l.Limit()
	assert.Greater(t, recovered, minLimit, "the limit recovers once requests succeed")

	assert.Zero(t, violations.Load(), "a permit was granted beyond the limit")
	assert.LessOrEqual(t, peak.Load(), int64(maxLimit))
	assert.Zero(t, refusedNoRetryAfter.Load())
	assert.Zero(t, l.InFlight())
	t.Logf("handled %d, refused %d, peak running %d, limit after recovery %d", handled.Load(), refused.Load(), peak.Load(), recovered)
}
