package retryhttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/shed"
	"github.com/blockcheck/blockcheck/shim/wait"
)

// DefaultMaxRetryAfter is the longest Retry-After a [Transport] waits for
// unless [WithMaxRetryAfter] says otherwise.
const DefaultMaxRetryAfter = 30 * time.Second

// drainLimit is how much of a discarded response's body is read so that its
// connection can be reused; a longer body is closed unread and its connection
// dropped, which is cheaper than reading it.
const drainLimit = 16 << 10

// Transport retries requests through another RoundTripper. It is safe for
// concurrent use.
type Transport struct {
	next          http.RoundTripper
	policy        retry.Policy
	budget        *Budget
	timeout       time.Duration
	maxRetryAfter time.Duration
	retryIf       func(*http.Response, error) bool
}

// Option configures a [Transport].
type Option func(*Transport)

// WithPolicy sets the number of attempts and the backoff between them. The
// default is the zero [retry.Policy]: 3 attempts, waits bounded by 100 ms,
// 200 ms, … up to 10 s, with full jitter. Policy.OnRetry, if set, is called
// before each wait with the failed attempt's error: the transport error, or a
// [*StatusError] for a response.
func WithPolicy(p retry.Policy) Option { return func(t *Transport) { t.policy = p } }

// WithBudget sets the retry budget, usually shared by the Transports that
// call one service. The default is a Budget of its own per Transport with
// [DefaultBudgetRatio] and [DefaultBudgetBurst]. Nil turns the budget off,
// which lets an outage multiply the load by the number of attempts.
func WithBudget(b *Budget) Option { return func(t *Transport) { t.budget = b } }

// WithTimeout bounds the whole exchange: every attempt, every wait, and the
// reading of the final response's body, as [http.Client.Timeout] does. Zero,
// the default, leaves the bound to the request's context.
func WithTimeout(d time.Duration) Option { return func(t *Transport) { t.timeout = max(d, 0) } }

// WithMaxRetryAfter sets the longest Retry-After the Transport waits for. A
// response asking for a longer wait is returned to the caller rather than
// retried early. Zero or less means [DefaultMaxRetryAfter].
func WithMaxRetryAfter(d time.Duration) Option {
	return func(t *Transport) { t.maxRetryAfter = d }
}

// WithRetryIf sets which outcomes are worth another attempt; resp is nil when
// err is not. The default is [Retryable]. Whatever it says, requests that are
// not idempotent or whose body cannot be rewound are not retried, and neither
// is an attempt that failed because the request's context ended.
func WithRetryIf(retryIf func(resp *http.Response, err error) bool) Option {
	return func(t *Transport) { t.retryIf = retryIf }
}

// New returns a Transport that sends requests through next, or through
// [http.DefaultTransport] if next is nil.
func New(next http.RoundTripper, opts ...Option) *Transport {
	if next == nil {
		next = http.DefaultTransport
	}
	t := &Transport{
		next:   next,
		budget: NewBudget(DefaultBudgetRatio, DefaultBudgetBurst),
	}
	for _, o := range opts {
		o(t)
	}
	if t.maxRetryAfter <= 0 {
		t.maxRetryAfter = DefaultMaxRetryAfter
	}
	if t.retryIf == nil {
		t.retryIf = Retryable
	}
	if t.policy.Attempts <= 0 {
		t.policy.Attempts = retry.DefaultAttempts
	}
	return t
}

// StatusError describes a response that was retried; [retry.Policy.OnRetry]
// receives it.
type StatusError struct {
	StatusCode int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("retryhttp: status %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// Retryable is the default judgement of [WithRetryIf]: statuses 429, 502, 503
// and 504, and transport errors, including an attempt's own timeout, except:
//
//   - cancellation ([context.Canceled]);
//   - TLS certificate errors, which another attempt would meet again;
//   - refusals by the shim's own circuit breaker ([*breaker.OpenError]) and
//     concurrency limits ([adaptive.ErrLimited], [shed.ErrShed]): nothing was
//     sent, and the refusal stands for a while, so a retry would only spend
//     the budget.
//
// An attempt is never retried once the request's context has ended, whatever
// this says.
func Retryable(resp *http.Response, err error) bool {
	if err != nil {
		var (
			verr  *tls.CertificateVerificationError
			uaerr x509.UnknownAuthorityError
			herr  x509.HostnameError
			cierr x509.CertificateInvalidError
			open  *breaker.OpenError
		)
		switch {
		case errors.Is(err, context.Canceled),
			errors.As(err, &verr), errors.As(err, &uaerr), errors.As(err, &herr), errors.As(err, &cierr),
			errors.As(err, &open), errors.Is(err, adaptive.ErrLimited), errors.Is(err, shed.ErrShed):
			return false
		}
		return true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RoundTrip sends req, and sends it again while the outcome is retryable,
// attempts are left, the budget allows it and the wait fits in the time left.
// It returns the last response, or the last error; when the context ends
// during a wait, the error wraps both the context's error and the last
// outcome.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.timeout <= 0 {
		return t.roundTrip(ctx, req)
	}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	resp, err := t.roundTrip(ctx, req)
	if err != nil {
		cancel()
		return nil, err
	}
	// The body is read under the same deadline; it ends when it is closed.
	resp.Body = shared.OnBodyDone(resp.Body, cancel)
	return resp, nil
}

func (t *Transport) roundTrip(ctx context.Context, req *http.Request) (*http.Response, error) {
	if t.budget != nil {
		t.budget.request()
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	canRetry := isReplayable(req) && (!hasBody || req.GetBody != nil)
	areq := req
	if ctx != req.Context() {
		areq = req.WithContext(ctx)
	}
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(areq)
		if !canRetry || attempt >= t.policy.Attempts || ctx.Err() != nil || !t.retryIf(resp, err) {
			return resp, err
		}
		d := t.policy.Backoff(attempt)
		if resp != nil {
			if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				if ra > t.maxRetryAfter {
					return resp, nil
				}
				d = max(d, ra)
			}
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
			return resp, err // no attempt could start in time
		}
		if t.budget != nil && !t.budget.withdraw() {
			return resp, err
		}
		next := req.WithContext(ctx)
		if hasBody {
			body, gerr := req.GetBody()
			if gerr != nil {
				return resp, err
			}
			next.Body = body
		}
		last := err
		if resp != nil {
			last = &StatusError{StatusCode: resp.StatusCode}
			discard(resp)
		}
		if t.policy.OnRetry != nil {
			t.policy.OnRetry(attempt, last, d)
		}
		if serr := wait.Sleep(ctx, d); serr != nil {
			if hasBody {
				next.Body.Close()
			}
			return nil, fmt.Errorf("retryhttp: %s %s: stopped waiting after attempt %d: %w (last: %w)",
				req.Method, req.URL.Redacted(), attempt, serr, last)
		}
		areq = next
	}
}

// CloseIdleConnections lets [http.Client.CloseIdleConnections] reach the
// wrapped transport.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// isReplayable reports whether req may be sent twice: an idempotent method
// (RFC 9110, section 9.2.2), or an idempotency key, which net/http's own
// Transport honours the same way.
func isReplayable(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	_, key := req.Header["Idempotency-Key"]
	_, xkey := req.Header["X-Idempotency-Key"]
	return key || xkey
}

// retryAfter parses a Retry-After value, seconds or an HTTP date, as a wait
// from now. A date in the past is a wait of zero.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 63); err == nil {
		if secs > uint64(1<<63-1)/uint64(time.Second) {
			return 1<<63 - 1, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// discard drains a little of a response's body and closes it, so that a
// short error page gives its connection back to the pool.
func discard(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
	resp.Body.Close()
}
