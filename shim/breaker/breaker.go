package breaker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/blockcheck/blockcheck/shim/monitor"
)

// Breaker is a circuit breaker. It is safe for concurrent use.
type Breaker struct {
	cb            *gobreaker.TwoStepCircuitBreaker[struct{}]
	timeout       time.Duration
	failureStatus func(int) bool
	obs           monitor.Observer

	mu       sync.Mutex
	openedAt time.Time
}

// Option configures a [Breaker].
type Option func(*Breaker)

// WithObserver reports the breaker's state changes to obs.
func WithObserver(obs monitor.Observer) Option {
	return func(b *Breaker) { b.obs = obs }
}

// WithFailureStatus sets which HTTP statuses count as failures in
// [Breaker.Transport] and [Breaker.Middleware]. The default counts 500 and
// above.
func WithFailureStatus(isFailure func(status int) bool) Option {
	return func(b *Breaker) { b.failureStatus = isFailure }
}

// defaultTimeout mirrors gobreaker's default open period.
const defaultTimeout = 60 * time.Second

// New returns a Breaker configured by st, passed to gobreaker as it is except
// that OnStateChange and IsExcluded are wrapped: the Breaker records when it
// opens and excludes calls whose caller gave up, then calls the functions in
// st, if any.
func New(st gobreaker.Settings, opts ...Option) *Breaker {
	b := &Breaker{
		timeout:       st.Timeout,
		failureStatus: func(status int) bool { return status >= 500 },
	}
	if b.timeout <= 0 {
		b.timeout = defaultTimeout
	}
	for _, o := range opts {
		o(b)
	}
	onChange := st.OnStateChange
	st.OnStateChange = func(name string, from, to gobreaker.State) {
		// Called with gobreaker's lock held: record and report, nothing more.
		if to == gobreaker.StateOpen {
			b.mu.Lock()
			b.openedAt = time.Now()
			b.mu.Unlock()
		}
		if b.obs != nil {
			b.obs.BreakerStateChanged(name, from.String(), to.String())
		}
		if onChange != nil {
			onChange(name, from, to)
		}
	}
	isExcluded := st.IsExcluded
	st.IsExcluded = func(err error) bool {
		return err == errExcluded || (isExcluded != nil && isExcluded(err))
	}
	b.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](st)
	return b
}

// Name returns the name from the breaker's settings.
func (b *Breaker) Name() string { return b.cb.Name() }

// State returns the breaker's state. Asking may move an open breaker whose
// Timeout has passed to half-open.
func (b *Breaker) State() gobreaker.State { return b.cb.State() }

// Counts returns the breaker's counts for its current state.
func (b *Breaker) Counts() gobreaker.Counts { return b.cb.Counts() }

// RetryAfter returns how long until an open breaker lets a probe through, and
// 0 if it is not open.
func (b *Breaker) RetryAfter() time.Duration {
	if b.cb.State() != gobreaker.StateOpen {
		return 0
	}
	return b.untilHalfOpen()
}

func (b *Breaker) untilHalfOpen() time.Duration {
	b.mu.Lock()
	opened := b.openedAt
	b.mu.Unlock()
	return max(time.Until(opened.Add(b.timeout)), 0)
}

// OpenError is returned when the breaker refuses a call. It wraps
// [gobreaker.ErrOpenState] when the breaker is open, or
// [gobreaker.ErrTooManyRequests] when it is half-open and its probes are
// taken.
type OpenError struct {
	Name       string        // the breaker's name
	RetryAfter time.Duration // time until the breaker lets a probe through; 0 if unknown
	err        error
}

func (e *OpenError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("breaker %q: %v (retry after %v)", e.Name, e.err, e.RetryAfter.Round(time.Millisecond))
	}
	return fmt.Sprintf("breaker %q: %v", e.Name, e.err)
}

// Unwrap returns gobreaker.ErrOpenState or gobreaker.ErrTooManyRequests.
func (e *OpenError) Unwrap() error { return e.err }

// errExcluded stands for a call whose caller gave up; IsExcluded matches it.
var errExcluded = errors.New("breaker: caller gave up")

// statusError stands for a response whose status counts as a failure.
type statusError struct{ code int }

func (e statusError) Error() string { return "breaker: failure status " + strconv.Itoa(e.code) }

// errPanic stands for a call that panicked.
var errPanic = errors.New("breaker: call panicked")

// allow asks the breaker for a slot.
func (b *Breaker) allow() (func(error), error) {
	done, err := b.cb.Allow()
	if err != nil {
		oe := &OpenError{Name: b.cb.Name(), err: err}
		if errors.Is(err, gobreaker.ErrOpenState) {
			oe.RetryAfter = b.untilHalfOpen()
		}
		return nil, oe
	}
	return done, nil
}

// outcome maps a call's error to what the breaker should count.
func outcome(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return errExcluded
	}
	return err
}

// Execute calls fn if the breaker allows it and counts its result. It returns
// fn's error, or an [*OpenError] without calling fn if the breaker refuses,
// or ctx's error without calling fn if ctx is already done. A panic in fn
// counts as a failure and goes on.
func (b *Breaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	_, err := Do(ctx, b, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, fn(ctx)
	})
	return err
}

// Do is [Breaker.Execute] for functions that return a value.
func Do[T any](ctx context.Context, b *Breaker, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	// A call that cannot succeed must not take a half-open probe slot.
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	done, err := b.allow()
	if err != nil {
		return zero, err
	}
	returned := false
	defer func() {
		if !returned {
			done(errPanic)
		}
	}()
	v, err := fn(ctx)
	returned = true
	done(outcome(ctx, err))
	return v, err
}
