package shed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

// ErrShed is returned by [Shedder.Acquire] when no slot became free in time.
var ErrShed = errors.New("shed: over capacity")

// Shedder limits the number of requests in flight. It is safe for concurrent
// use.
type Shedder struct {
	slots      chan struct{}
	wait       time.Duration
	retryAfter time.Duration
	obs        monitor.Observer
}

// Option configures a [Shedder].
type Option func(*Shedder)

// WithWait lets a request wait up to d for a slot before it is shed. The
// default is 0: shed at once.
func WithWait(d time.Duration) Option { return func(s *Shedder) { s.wait = max(d, 0) } }

// WithRetryAfter sets the Retry-After sent with 503; it is rounded up to whole
// seconds, at least 1. The default is 1 second.
func WithRetryAfter(d time.Duration) Option { return func(s *Shedder) { s.retryAfter = d } }

// WithObserver reports shed requests to obs.
func WithObserver(obs monitor.Observer) Option { return func(s *Shedder) { s.obs = obs } }

// New returns a Shedder that admits at most limit requests at once; a limit
// below 1 is raised to 1.
func New(limit int, opts ...Option) *Shedder {
	s := &Shedder{slots: make(chan struct{}, max(limit, 1)), retryAfter: time.Second}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Limit returns the maximum number of requests in flight.
func (s *Shedder) Limit() int { return cap(s.slots) }

// InFlight returns the number of slots taken now.
func (s *Shedder) InFlight() int { return len(s.slots) }

// Acquire takes a slot, waiting for one up to the Shedder's wait or until ctx
// is done, whichever comes first. It returns a function that gives the slot
// back, or [ErrShed], or ctx's error. Calling release more than once gives
// the slot back once.
func (s *Shedder) Acquire(ctx context.Context) (release func(), err error) {
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	return s.releaser(), nil
}

// Wait takes a slot, waiting for one as long as ctx allows, however long the
// Shedder's own wait; it is for callers that would rather wait a bounded time
// than be shed, such as a batch job sharing a limit with interactive
// requests. Bound the wait with ctx's deadline. It returns a function that
// gives the slot back (idempotent, like Acquire's), or an error wrapping
// ctx's cause.
func (s *Shedder) Wait(ctx context.Context) (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return s.releaser(), nil
	default:
	}
	select {
	case s.slots <- struct{}{}:
		return s.releaser(), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("shed: wait for a slot: %w", context.Cause(ctx))
	}
}

// releaser returns a function that gives a slot back once, however often it
// is called: a second call must not free a slot someone else holds.
func (s *Shedder) releaser() func() {
	var done atomic.Bool
	return func() {
		if done.CompareAndSwap(false, true) {
			s.release()
		}
	}
}

func (s *Shedder) acquire(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	if s.wait <= 0 {
		return ErrShed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrShed
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (s *Shedder) release() { <-s.slots }

// Middleware returns a handler that calls next when it gets a slot and
// otherwise answers 503 Service Unavailable with Retry-After, also when an
// outer deadline ends the wait for a slot. A request whose client goes away
// while waiting (its context is cancelled) gets no answer.
//
// The slot is held until the handler really ends. When a middleware inside
// runs the handler on a goroutine of its own and may return first, as
// [github.com/blockcheck/blockcheck/shim/deadline.Middleware] does at its
// deadline, the slot is given back only when that goroutine ends, so the
// bound holds in either order of the two.
func (s *Shedder) Middleware(next http.Handler) http.Handler {
	retryAfter := shared.RetryAfter(s.retryAfter)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.acquire(r.Context()); err != nil {
			if !errors.Is(err, ErrShed) && errors.Is(r.Context().Err(), context.Canceled) {
				return // the client is gone; nobody to answer
			}
			if s.obs != nil {
				s.obs.Shed(r.Pattern)
			}
			w.Header().Set("Retry-After", retryAfter)
			http.Error(w, "service unavailable: over capacity", http.StatusServiceUnavailable)
			return
		}
		ctx, lt := shared.WithLifetime(r.Context(), s.release)
		defer lt.Release()
		r2 := r.WithContext(ctx)
		next.ServeHTTP(w, r2)
		// ServeMux set the pattern on the copy; show it to outer middleware.
		r.Pattern = r2.Pattern
	})
}
