package adaptive

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

// ErrLimited is returned when no permit was granted in time.
var ErrLimited = errors.New("adaptive: over the concurrency limit")

// Defaults of a [Limiter].
const (
	DefaultMin     = 1
	DefaultMax     = 200
	DefaultInitial = 20
)

// Limiter is an adaptive concurrency limit. It is safe for concurrent use.
type Limiter struct {
	now        func() time.Time
	min, max   int
	initial    int
	wait       time.Duration
	retryAfter string
	obs        monitor.Observer
	dropStatus func(int) bool
	// granted, if set, is called under mu with the permits out, the new
	// one included, and the limit, each time a permit is granted (tests).
	granted func(inFlight, limit int)

	mu       sync.Mutex
	st       state
	limit    float64
	inFlight int
	waiters  list.List // of *waiter, first come first served
}

type waiter struct {
	ready chan struct{} // closed once p is set
	p     *Permit
}

// Option configures a [Limiter].
type Option func(*Limiter)

// WithBounds sets the least and the greatest value of the limit; the default
// is [DefaultMin] to [DefaultMax]. A min below 1 is 1, a max below min is min.
func WithBounds(min, max int) Option {
	return func(l *Limiter) { l.min, l.max = min, max }
}

// WithInitial sets the limit to start from, [DefaultInitial] by default,
// clamped to the bounds.
func WithInitial(n int) Option { return func(l *Limiter) { l.initial = n } }

// WithWait lets [Limiter.Acquire], and so [Limiter.Middleware] and
// [Limiter.Transport], wait up to d for a permit before refusing. The
// default is 0: refuse at once. [Limiter.Wait] ignores it.
func WithWait(d time.Duration) Option { return func(l *Limiter) { l.wait = max(d, 0) } }

// WithRetryAfter sets the Retry-After sent by [Limiter.Middleware] with 503;
// it is rounded up to whole seconds, at least 1. The default is 1 second.
func WithRetryAfter(d time.Duration) Option {
	return func(l *Limiter) { l.retryAfter = shared.RetryAfter(d) }
}

// WithObserver reports requests refused by [Limiter.Middleware] to obs as
// shed.
func WithObserver(obs monitor.Observer) Option { return func(l *Limiter) { l.obs = obs } }

// WithClock sets the clock latency is measured with; the default is
// time.Now.
func WithClock(now func() time.Time) Option { return func(l *Limiter) { l.now = now } }

// WithDropStatus sets which statuses [Limiter.Middleware] and
// [Limiter.Transport] count as drops: signs of overload that make the limit
// fall. The default counts 429, 503 and 504.
func WithDropStatus(isDrop func(status int) bool) Option {
	return func(l *Limiter) { l.dropStatus = isDrop }
}

// New returns a Limiter whose limit follows alg, or [Gradient] with its
// defaults if alg is nil.
func New(alg Algorithm, opts ...Option) *Limiter {
	if alg == nil {
		alg = Gradient{}
	}
	l := &Limiter{
		now:        time.Now,
		min:        DefaultMin,
		max:        DefaultMax,
		initial:    DefaultInitial,
		retryAfter: "1",
		dropStatus: func(code int) bool { return code == 429 || code == 503 || code == 504 },
	}
	for _, o := range opts {
		o(l)
	}
	l.min = max(l.min, 1)
	l.max = max(l.max, l.min)
	l.limit = float64(min(max(l.initial, l.min), l.max))
	l.st = alg.newState()
	return l
}

// Limit returns the current limit.
func (l *Limiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limitLocked()
}

func (l *Limiter) limitLocked() int { return int(l.limit) }

// InFlight returns the number of permits out.
func (l *Limiter) InFlight() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight
}

// TryAcquire returns a permit if one is free now, and never waits. Permits
// are granted first come, first served: a free permit goes to a waiting
// [Limiter.Wait] before TryAcquire.
func (l *Limiter) TryAcquire() (*Permit, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight >= l.limitLocked() || l.waiters.Len() > 0 {
		return nil, false
	}
	return l.grantLocked(), true
}

// Acquire returns a permit, waiting for one up to the time set with
// [WithWait] (by default not at all) or until ctx ends, whichever comes
// first. It returns [ErrLimited] when the wait runs out, and an error wrapping
// ctx's cause when ctx ends first. [Limiter.Middleware] and
// [Limiter.Transport] acquire their permits this way.
func (l *Limiter) Acquire(ctx context.Context) (*Permit, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("adaptive: acquire a permit: %w", context.Cause(ctx))
	}
	if p, ok := l.TryAcquire(); ok {
		return p, nil
	}
	if l.wait <= 0 {
		return nil, ErrLimited
	}
	wctx, cancel := context.WithTimeout(ctx, l.wait)
	defer cancel()
	p, err := l.Wait(wctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("adaptive: acquire a permit: %w", context.Cause(ctx))
		}
		return nil, ErrLimited
	}
	return p, nil
}

// Wait returns a permit, waiting for one as long as ctx allows, however long
// the Limiter's own wait: for callers that would rather wait than be refused,
// such as a batch job sharing a limit with interactive requests. Bound the
// wait with ctx's deadline. Waiters are served first come, first served. It
// returns no permit once ctx has ended, even when one is free, and then an
// error wrapping ctx's cause.
func (l *Limiter) Wait(ctx context.Context) (*Permit, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("adaptive: wait for a permit: %w", context.Cause(ctx))
	}
	l.mu.Lock()
	if l.inFlight < l.limitLocked() && l.waiters.Len() == 0 {
		p := l.grantLocked()
		l.mu.Unlock()
		return p, nil
	}
	w := &waiter{ready: make(chan struct{})}
	elem := l.waiters.PushBack(w)
	l.mu.Unlock()

	select {
	case <-w.ready:
		return w.p, nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	select {
	case <-w.ready:
		// Granted as ctx ended: give it back unused.
		l.mu.Unlock()
		w.p.Ignore()
	default:
		l.waiters.Remove(elem)
		l.mu.Unlock()
	}
	return nil, fmt.Errorf("adaptive: wait for a permit: %w", context.Cause(ctx))
}

func (l *Limiter) grantLocked() *Permit {
	l.inFlight++
	if l.granted != nil {
		l.granted(l.inFlight, l.limitLocked())
	}
	return &Permit{l: l, start: l.now(), inFlight: l.inFlight}
}

// wakeLocked grants permits to waiters while there is room.
func (l *Limiter) wakeLocked() {
	for l.inFlight < l.limitLocked() && l.waiters.Len() > 0 {
		w := l.waiters.Remove(l.waiters.Front()).(*waiter)
		w.p = l.grantLocked()
		close(w.ready)
	}
}

// outcome is how a permit came back.
type outcome int

const (
	done outcome = iota
	dropped
	ignored
)

// Permit is the right to run one request. Give it back exactly once, by
// calling one of its methods; later calls do nothing.
type Permit struct {
	l        *Limiter
	start    time.Time
	end      time.Time // when set, the end of the sampled latency
	inFlight int
	returned atomic.Bool
}

// Done gives the permit back after a success; the time since it was granted
// is a latency sample.
func (p *Permit) Done() { p.finish(done) }

// Drop gives the permit back after a sign of overload (a timeout, a 503 from
// downstream): the limit falls.
func (p *Permit) Drop() { p.finish(dropped) }

// Ignore gives the permit back without a sample, when the outcome says
// nothing about load (the client went away, the request was invalid).
func (p *Permit) Ignore() { p.finish(ignored) }

func (p *Permit) finish(o outcome) {
	if !p.returned.CompareAndSwap(false, true) {
		return
	}
	end := p.end
	if end.IsZero() {
		end = p.l.now()
	}
	l := p.l
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if o != ignored {
		next := l.st.next(l.limit, sample{rtt: end.Sub(p.start), end: end, inFlight: p.inFlight, dropped: o == dropped})
		if math.IsNaN(next) {
			next = l.limit
		}
		l.limit = min(max(next, float64(l.min)), float64(l.max))
	}
	l.wakeLocked()
}
