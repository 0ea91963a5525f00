package pool

import (
	"context"
	"fmt"
)

// Result is the eventual value of a task started with [Go].
type Result[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// Go queues fn on p like [Pool.Submit], waiting for room until ctx ends, and
// returns a Result to wait on. Unlike Submit's tasks, fn's context keeps ctx's
// cancellation: a caller waiting for the value is the reason to compute it.
// It is also cancelled when a Shutdown gives up; if it has ended by the time a
// worker is free, fn is not called and the Result holds ctx's error. fn's error, a panic (as a
// [*PanicError]) or a drop at shutdown (wrapping [ErrClosed]) is reported
// through the Result; only panics also reach the pool's error handler.
func Go[T any](ctx context.Context, p *Pool, fn func(ctx context.Context) (T, error)) (*Result[T], error) {
	r := &Result[T]{done: make(chan struct{})}
	t := task{
		fn: func(context.Context) error {
			tctx, cancel := context.WithCancel(ctx)
			stop := context.AfterFunc(p.life, cancel)
			defer func() {
				stop()
				cancel()
			}()
			if err := tctx.Err(); err != nil { // the caller gave up while queued
				r.err = fmt.Errorf("pool: go: %w", err)
				close(r.done)
				return r.err
			}
			var v T
			err := call(tctx, func(c context.Context) (err error) {
				v, err = fn(c)
				return err
			})
			r.val, r.err = v, err
			close(r.done)
			return err
		},
		drop: func(err error) {
			r.err = err
			close(r.done)
		},
	}
	if err := p.enqueue(ctx, t); err != nil {
		return nil, fmt.Errorf("pool: go: %w", err)
	}
	return r, nil
}

// Wait waits until the task has finished and returns its value and error, or
// until ctx ends and returns ctx's error, wrapped. Giving up does not cancel
// the task; cancel the context passed to [Go] for that. Wait may be called
// any number of times, from any goroutine.
func (r *Result[T]) Wait(ctx context.Context) (T, error) {
	select {
	case <-r.done:
		return r.val, r.err
	default:
	}
	select {
	case <-r.done:
		return r.val, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("pool: wait: %w", ctx.Err())
	}
}

// Done returns a channel closed when the task has finished, for use in a
// select.
func (r *Result[T]) Done() <-chan struct{} { return r.done }
