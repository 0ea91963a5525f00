package retry

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/blockcheck/blockcheck/shim/wait"
)

// Defaults applied to the zero fields of a [Policy].
const (
	DefaultAttempts   = 3
	DefaultBase       = 100 * time.Millisecond
	DefaultMax        = 10 * time.Second
	DefaultMultiplier = 2.0
)

// Policy says how often and how long to retry. The zero value is usable: each
// zero field takes the matching Default constant. Every value is safe:
// out-of-range values are clamped as each field says, never a panic.
type Policy struct {
	// Attempts is the total number of calls, the first included.
	// Zero or negative means DefaultAttempts.
	Attempts int
	// Base is the upper bound of the wait before the first retry.
	Base time.Duration
	// Max caps the upper bound of every wait.
	Max time.Duration
	// Multiplier grows the upper bound from one retry to the next. Values
	// below 1 (including zero) mean DefaultMultiplier; 1 gives a constant
	// bound.
	Multiplier float64
	// Jitter returns a wait in [0, d] for the upper bound d. Nil means a
	// uniform draw from math/rand/v2, whose global source is never seeded or
	// otherwise mutated here. Tests inject a deterministic function; results
	// outside [0, d] are clamped.
	Jitter func(d time.Duration) time.Duration
	// OnRetry, if set, is called before each wait with the number of the
	// attempt that failed, its error and the wait chosen. Use it for logs
	// and metrics.
	OnRetry func(attempt int, err error, wait time.Duration)
}

func (p Policy) withDefaults() Policy {
	if p.Attempts <= 0 {
		p.Attempts = DefaultAttempts
	}
	if p.Base <= 0 {
		p.Base = DefaultBase
	}
	if p.Max <= 0 {
		p.Max = DefaultMax
	}
	if p.Max < p.Base {
		p.Max = p.Base
	}
	if !(p.Multiplier >= 1) { // NaN included
		p.Multiplier = DefaultMultiplier
	}
	return p
}

// Bound returns the upper bound of the wait before retry n (n = 1 is the wait
// after the first failed attempt): min(Max, Base·Multiplier^(n-1)), with the
// Policy's defaults applied.
func (p Policy) Bound(n int) time.Duration {
	p = p.withDefaults()
	if n < 1 {
		n = 1
	}
	d := float64(p.Base) * math.Pow(p.Multiplier, float64(n-1))
	if d >= float64(p.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		return p.Max
	}
	return time.Duration(d)
}

// Backoff returns the wait before retry n: a jittered value in [0, Bound(n)].
// It is exported so that schedulers such as a task queue can share the
// policy without sleeping in place.
func (p Policy) Backoff(n int) time.Duration {
	bound := p.Bound(n)
	var d time.Duration
	if p.Jitter != nil {
		d = p.Jitter(bound)
	} else {
		// In unsigned arithmetic bound+1 cannot overflow, even for
		// a bound of math.MaxInt64.
		d = time.Duration(rand.Uint64N(uint64(bound) + 1))
	}
	return min(max(d, 0), bound)
}

// Do calls fn until it returns nil, returns an error marked with [Permanent],
// the attempts are used up, or ctx ends. Between attempts it waits
// p.Backoff(n), returning early when ctx ends.
//
// The error returned wraps fn's last error (and ctx's error when ctx ended),
// so errors.Is and errors.As see both. fn receives ctx and should honour it.
func Do(ctx context.Context, p Policy, fn func(ctx context.Context) error) error {
	p = p.withDefaults()
	for attempt := 1; ; attempt++ {
		if cerr := ctx.Err(); cerr != nil {
			return stopped(attempt-1, cerr, nil)
		}
		err := fn(ctx)
		switch {
		case err == nil:
			return nil
		case IsPermanent(err):
			return fmt.Errorf("retry: attempt %d: %w", attempt, err)
		case ctx.Err() != nil:
			return stopped(attempt, ctx.Err(), err)
		case attempt >= p.Attempts:
			return fmt.Errorf("retry: gave up after %d attempts: %w", attempt, err)
		}
		d := p.Backoff(attempt)
		if p.OnRetry != nil {
			p.OnRetry(attempt, err, d)
		}
		if serr := wait.Sleep(ctx, d); serr != nil {
			return stopped(attempt, serr, err)
		}
	}
}

// stopped builds Do's error when ctx ended after attempts calls.
func stopped(attempts int, ctxErr, last error) error {
	if last == nil {
		return fmt.Errorf("retry: %w", ctxErr)
	}
	if errors.Is(last, ctxErr) {
		return fmt.Errorf("retry: attempt %d: %w", attempts, last)
	}
	return fmt.Errorf("retry: stopped after %d attempts: %w (last error: %w)", attempts, ctxErr, last)
}

// permanentError marks an error as not worth retrying.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err so that [Do] returns it at once instead of retrying. The
// mark is seen through wrapping, and errors.Is and errors.As still see err.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with
// [Permanent].
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
