//go:build go1.25

package retryhttp_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/retryhttp"
)

// outageServer answers 503 while down is set and 200 otherwise, on loopback,
// and counts what it receives.
type outageServer struct {
	*httptest.Server
	down     atomic.Bool
	attempts atomic.Int64
	conns    atomic.Int64
}

func newOutageServer(t *testing.T) *outageServer {
	s := &outageServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.attempts.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		if s.down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	require.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	t.Cleanup(s.Close)
	return s
}

// load sends n GET requests from c goroutines and returns how many got 200.
func load(t *testing.T, client *http.Client, url string, n, c int) int64 {
	t.Helper()
	var ok atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				resp, err := client.Get(url)
				if !assert.NoError(t, err) {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return ok.Load()
}

// TestOutageAmplification measures the load an outage puts on the failing
// server: attempts per request while it answers only 503, without and with a
// retry budget, and checks the budget's bound.
func TestOutageAmplification(t *testing.T) {
	const (
		requests = 1000
		clients  = 8
		attempts = 4
		ratio    = 0.1
		burst    = 10
	)
	p := retry.Policy{Attempts: attempts, Jitter: func(d time.Duration) time.Duration { return 0 }}
	for _, tc := range []struct {
		name   string
		budget *retryhttp.Budget
	}{
		{"no budget", nil},
		{"budget", retryhttp.NewBudget(ratio, burst)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newOutageServer(t)
			base := &http.Transport{MaxIdleConnsPerHost: clients}
			defer base.CloseIdleConnections()
			client := &http.Client{Transport: retryhttp.New(base, retryhttp.WithPolicy(p), retryhttp.WithBudget(tc.budget))}

			srv.down.Store(true)
			ok := load(t, client, srv.URL, requests, clients)
			assert.Zero(t, ok)
			during := srv.attempts.Load()
			t.Logf("%s: outage: %d requests, %d attempts, amplification %.3f", tc.name, requests, during, float64(during)/requests)
			if tc.budget == nil {
				assert.EqualValues(t, requests*attempts, during, "every request tries every attempt")
			} else {
				assert.LessOrEqual(t, float64(during), requests+burst+ratio*requests, "retries stay within the budget")
				assert.Greater(t, during, int64(requests), "the budget allows some retries")
			}

			srv.down.Store(false)
			srv.attempts.Store(0)
			ok = load(t, client, srv.URL, requests, clients)
			assert.EqualValues(t, requests, ok)
			assert.EqualValues(t, requests, srv.attempts.Load(), "after recovery: one attempt per request")
		})
	}
}

func TestIdempotentPostRewindsBody(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b)+" key="+r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		if calls.Add(1) < 3 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: retryhttp.New(base, retryhttp.WithPolicy(retry.Policy{Attempts: 5, Jitter: func(time.Duration) time.Duration { return 0 }}))}

	req, err := http.NewRequest(http.MethodPost, srv.URL+"/payments", strings.NewReader(`{"amount":42}`))
	require.NoError(t, err)
	req.Header.Set("Idempotency-Key", "pay-7")
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	want := `{"amount":42} key=pay-7`
	assert.Equal(t, []string{want, want, want}, bodies)
}

func TestDiscardedResponsesFreeTheirConnection(t *testing.T) {
	srv := newOutageServer(t)
	srv.down.Store(true)
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: retryhttp.New(base, retryhttp.WithBudget(nil),
		retryhttp.WithPolicy(retry.Policy{Attempts: 3, Jitter: func(time.Duration) time.Duration { return 0 }}))}
	for range 20 {
		resp, err := client.Get(srv.URL)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	assert.EqualValues(t, 60, srv.attempts.Load())
	assert.EqualValues(t, 1, srv.conns.Load(), "sequential attempts reuse one connection: discarded bodies were drained and closed")
}

func TestClientTimeoutAndCancel(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: retryhttp.New(base)}
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}
