//go:build go1.25

package retryhttp_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/retryhttp"
	"github.com/blockcheck/blockcheck/shim/shed"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// noJitter never waits between attempts unless the server asks to.
var noJitter = retry.Policy{Attempts: 4, Jitter: func(time.Duration) time.Duration { return 0 }}

// outcome is what the scripted transport answers to one attempt.
type outcome struct {
	status     int
	retryAfter string
	err        error
	block      bool // wait for the request's context to end
}

// scripted answers attempts from a script (the last entry repeats) and
// records when they came, their bodies, and whether bodies were closed.
type scripted struct {
	mu       sync.Mutex
	script   []outcome
	times    []time.Time
	bodies   []string
	bodyErrs []error
	open     atomic.Int32 // response bodies handed out and not closed
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	n := len(s.times)
	s.times = append(s.times, time.Now())
	o := s.script[min(n, len(s.script)-1)]
	s.mu.Unlock()
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.bodyErrs = append(s.bodyErrs, err)
		s.mu.Unlock()
	}
	if o.block {
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	if o.err != nil {
		return nil, o.err
	}
	h := http.Header{}
	if o.retryAfter != "" {
		h.Set("Retry-After", o.retryAfter)
	}
	s.open.Add(1)
	return &http.Response{
		StatusCode: o.status,
		Header:     h,
		Body:       &trackedBody{Reader: strings.NewReader("status " + strconv.Itoa(o.status)), open: &s.open},
		Request:    req,
	}, nil
}

func (s *scripted) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.times)
}

type trackedBody struct {
	io.Reader
	open   *atomic.Int32
	closed atomic.Bool
}

func (b *trackedBody) Close() error {
	if b.closed.CompareAndSwap(false, true) {
		b.open.Add(-1)
	}
	return nil
}

func get(t *testing.T, ctx context.Context) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:1/items", nil)
	require.NoError(t, err)
	return req
}

func TestRetriesUntilSuccess(t *testing.T) {
	s := &scripted{script: []outcome{{status: 503}, {status: 502}, {status: 200}}}
	var seen []error
	p := noJitter
	p.OnRetry = func(_ int, err error, _ time.Duration) { seen = append(seen, err) }
	rt := retryhttp.New(s, retryhttp.WithPolicy(p), retryhttp.WithBudget(nil))
	resp, err := rt.RoundTrip(get(t, context.Background()))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 3, s.attempts())
	assert.EqualValues(t, 1, s.open.Load(), "discarded responses are closed, the returned one is not")
	resp.Body.Close()
	require.Len(t, seen, 2)
	var se *retryhttp.StatusError
	require.ErrorAs(t, seen[0], &se)
	assert.Equal(t, 503, se.StatusCode)
}

func TestGivesUpAfterAttempts(t *testing.T) {
	s := &scripted{script: []outcome{{status: 503}}}
	rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter), retryhttp.WithBudget(nil))
	resp, err := rt.RoundTrip(get(t, context.Background()))
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode, "the last response is returned")
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "status 503", string(b), "its body is intact")
	resp.Body.Close()
	assert.Equal(t, 4, s.attempts())
	assert.Zero(t, s.open.Load())
}

func TestClassification(t *testing.T) {
	certErr := &x509.UnknownAuthorityError{}
	for _, tc := range []struct {
		name  string
		o     outcome
		retry bool
	}{
		{"429", outcome{status: 429}, true},
		{"502", outcome{status: 502}, true},
		{"503", outcome{status: 503}, true},
		{"504", outcome{status: 504}, true},
		{"500", outcome{status: 500}, false},
		{"501", outcome{status: 501}, false},
		{"404", outcome{status: 404}, false},
		{"200", outcome{status: 200}, false},
		{"refused", outcome{err: syscall.ECONNREFUSED}, true},
		{"reset", outcome{err: syscall.ECONNRESET}, true},
		{"eof", outcome{err: io.ErrUnexpectedEOF}, true},
		{"cert", outcome{err: *certErr}, false},
		{"canceled", outcome{err: context.Canceled}, false},
		{"attempt timeout", outcome{err: context.DeadlineExceeded}, true},
		{"breaker open", outcome{err: &breaker.OpenError{Name: "db"}}, false},
		{"limited", outcome{err: fmt.Errorf("limit: %w", adaptive.ErrLimited)}, false},
		{"shed", outcome{err: shed.ErrShed}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{script: []outcome{tc.o, {status: 200}}}
			rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter), retryhttp.WithBudget(nil))
			resp, err := rt.RoundTrip(get(t, context.Background()))
			if resp != nil {
				resp.Body.Close()
			}
			want := 1
			if tc.retry {
				want = 2
				assert.NoError(t, err)
			}
			assert.Equal(t, want, s.attempts())
		})
	}
}

func TestWithRetryIf(t *testing.T) {
	s := &scripted{script: []outcome{{status: 500}, {status: 200}}}
	rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter), retryhttp.WithRetryIf(
		func(resp *http.Response, err error) bool {
			return retryhttp.Retryable(resp, err) || resp.StatusCode == 500
		}))
	resp, err := rt.RoundTrip(get(t, context.Background()))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 2, s.attempts())
}

func TestOnlyReplayableRequestsRetried(t *testing.T) {
	for _, tc := range []struct {
		method string
		key    string
		retry  bool
	}{
		{http.MethodGet, "", true},
		{http.MethodHead, "", true},
		{http.MethodOptions, "", true},
		{http.MethodPut, "", true},
		{http.MethodDelete, "", true},
		{http.MethodPost, "", false},
		{http.MethodPatch, "", false},
		{http.MethodPost, "Idempotency-Key", true},
		{http.MethodPatch, "X-Idempotency-Key", true},
	} {
		t.Run(tc.method+tc.key, func(t *testing.T) {
			s := &scripted{script: []outcome{{status: 503}, {status: 200}}}
			rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter))
			req, err := http.NewRequest(tc.method, "http://127.0.0.1:1/orders", strings.NewReader("order 42"))
			require.NoError(t, err)
			if tc.key != "" {
				req.Header.Set(tc.key, "k-1")
			}
			resp, err := rt.RoundTrip(req)
			require.NoError(t, err)
			resp.Body.Close()
			if !tc.retry {
				assert.Equal(t, 503, resp.StatusCode)
				assert.Equal(t, 1, s.attempts())
				return
			}
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, []string{"order 42", "order 42"}, s.bodies, "the body is rewound, never resent empty")
		})
	}
}

func TestBodyWithoutGetBodyNotRetried(t *testing.T) {
	s := &scripted{script: []outcome{{status: 503}, {status: 200}}}
	rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter))
	req, err := http.NewRequest(http.MethodPut, "http://127.0.0.1:1/blob", io.NopCloser(strings.NewReader("data")))
	require.NoError(t, err)
	require.Nil(t, req.GetBody)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, []string{"data"}, s.bodies, "sent once, with its body")
}

func TestGetBodyFailureReturnsResponse(t *testing.T) {
	s := &scripted{script: []outcome{{status: 503}, {status: 200}}}
	rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter))
	req, err := http.NewRequest(http.MethodPut, "http://127.0.0.1:1/blob", strings.NewReader("data"))
	require.NoError(t, err)
	req.GetBody = func() (io.ReadCloser, error) { return nil, errors.New("spool gone") }
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, 1, s.attempts())
}

func TestRetryAfterHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Asked for at 0 s, answered at 7 s: 20 s from then.
		date := time.Now().Add(27 * time.Second).UTC().Format(http.TimeFormat)
		s := &scripted{script: []outcome{
			{status: 503, retryAfter: "7"},
			{status: 429, retryAfter: date},
			{status: 200},
		}}
		rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter))
		resp, err := rt.RoundTrip(get(t, context.Background()))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 3, s.attempts())
		assert.Equal(t, 7*time.Second, s.times[1].Sub(s.times[0]))
		// The date has a resolution of one second.
		assert.InDelta(t, 20*time.Second, s.times[2].Sub(s.times[1]), float64(time.Second))
	})
}

func TestRetryAfterWaitsAtLeastTheBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []outcome{{status: 503, retryAfter: "1"}, {status: 200}}}
		p := retry.Policy{Attempts: 2, Base: 5 * time.Second, Jitter: func(d time.Duration) time.Duration { return d }}
		rt := retryhttp.New(s, retryhttp.WithPolicy(p))
		resp, err := rt.RoundTrip(get(t, context.Background()))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 5*time.Second, s.times[1].Sub(s.times[0]))
	})
}

func TestRetryAfterOverCapReturnsResponse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []outcome{{status: 503, retryAfter: "3600"}, {status: 200}}}
		rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter), retryhttp.WithMaxRetryAfter(time.Minute))
		start := time.Now()
		resp, err := rt.RoundTrip(get(t, context.Background()))
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode)
		assert.Equal(t, "3600", resp.Header.Get("Retry-After"), "the caller sees what the server asked")
		assert.Equal(t, 1, s.attempts())
		assert.Zero(t, time.Since(start), "no wait")
	})
}

func TestRetryAfterMalformedFallsBackToBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []outcome{{status: 503, retryAfter: "soon"}, {status: 503, retryAfter: "-5"}, {status: 200}}}
		p := retry.Policy{Attempts: 3, Base: time.Second, Multiplier: 1, Jitter: func(d time.Duration) time.Duration { return d }}
		rt := retryhttp.New(s, retryhttp.WithPolicy(p))
		resp, err := rt.RoundTrip(get(t, context.Background()))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 3, s.attempts())
		assert.Equal(t, time.Second, s.times[1].Sub(s.times[0]))
		assert.Equal(t, time.Second, s.times[2].Sub(s.times[1]))
	})
}

func TestTimeoutBoundsAttemptsAndWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []outcome{{status: 503, retryAfter: "10"}}}
		p := retry.Policy{Attempts: 100, Jitter: noJitter.Jitter}
		rt := retryhttp.New(s, retryhttp.WithPolicy(p), retryhttp.WithTimeout(25*time.Second), retryhttp.WithBudget(nil))
		start := time.Now()
		resp, err := rt.RoundTrip(get(t, context.Background()))
		require.NoError(t, err)
		// Attempts at 0 s, 10 s, 20 s; a fourth could not start before 25 s.
		assert.Equal(t, 3, s.attempts())
		assert.Equal(t, 20*time.Second, time.Since(start))
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err, "the final body is readable within the timeout")
		assert.Equal(t, "status 503", string(b))
		resp.Body.Close()
	})
}

func TestTimeoutEndsAHangingAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []outcome{{status: 503}, {block: true}}}
		rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter), retryhttp.WithTimeout(5*time.Second))
		start := time.Now()
		_, err := rt.RoundTrip(get(t, context.Background()))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 5*time.Second, time.Since(start))
		assert.Equal(t, 2, s.attempts())
	})
}

func TestContextEndsDuringWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []outcome{{status: 503, retryAfter: "20"}}}
		ctx, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, "http://127.0.0.1:1/x", strings.NewReader("v"))
		require.NoError(t, err)
		closed := make(chan struct{})
		getBody := req.GetBody
		req.GetBody = func() (io.ReadCloser, error) {
			rc, err := getBody()
			return &closeSignal{ReadCloser: rc, closed: closed}, err
		}
		rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter))
		time.AfterFunc(3*time.Second, cancel)
		start := time.Now()
		_, err = rt.RoundTrip(req)
		require.ErrorIs(t, err, context.Canceled)
		var se *retryhttp.StatusError
		require.ErrorAs(t, err, &se, "the last outcome is kept")
		assert.Equal(t, 3*time.Second, time.Since(start), "the wait ends with the context")
		assert.Equal(t, 1, s.attempts())
		assert.Zero(t, s.open.Load())
		select {
		case <-closed:
		default:
			t.Error("the rewound body of the attempt never made was not closed")
		}
	})
}

func TestNoWaitPastTheContextDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []outcome{{status: 503, retryAfter: "10"}, {status: 200}}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter))
		resp, err := rt.RoundTrip(get(t, ctx))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode, "a retry could not start before the deadline")
		assert.Equal(t, 1, s.attempts())
	})
}

type closeSignal struct {
	io.ReadCloser
	closed chan struct{}
	once   sync.Once
}

func (c *closeSignal) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.ReadCloser.Close()
}

func TestBudgetBound(t *testing.T) {
	const ratio, burst, requests = 0.1, 5, 1000
	b := retryhttp.NewBudget(ratio, burst)
	s := &scripted{script: []outcome{{status: 503}}}
	rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter), retryhttp.WithBudget(b))
	for range requests {
		resp, err := rt.RoundTrip(get(t, context.Background()))
		require.NoError(t, err)
		resp.Body.Close()
	}
	retries := s.attempts() - requests
	assert.LessOrEqual(t, float64(retries), burst+ratio*requests)
	assert.Positive(t, retries, "the budget allows some retries")
	assert.Zero(t, b.Tokens())
}

func TestBudgetClamps(t *testing.T) {
	assert.Equal(t, 1, retryhttp.NewBudget(-1, 0).Tokens(), "burst below 1 is 1")
	b := retryhttp.NewBudget(0, 3)
	s := &scripted{script: []outcome{{status: 503}}}
	rt := retryhttp.New(s, retryhttp.WithPolicy(noJitter), retryhttp.WithBudget(b))
	for range 10 {
		resp, err := rt.RoundTrip(get(t, context.Background()))
		require.NoError(t, err)
		resp.Body.Close()
	}
	assert.Equal(t, 13, s.attempts(), "ratio 0: the burst and nothing more")
}

func TestDefaults(t *testing.T) {
	s := &scripted{script: []outcome{{status: 503}}}
	rt := retryhttp.New(s, retryhttp.WithPolicy(retry.Policy{Jitter: noJitter.Jitter}))
	resp, err := rt.RoundTrip(get(t, context.Background()))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, retry.DefaultAttempts, s.attempts())
}
