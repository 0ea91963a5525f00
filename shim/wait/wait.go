package wait

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrClosed is returned by [Recv] when the channel is closed, so that a closed
// channel is not mistaken for a zero value.
var ErrClosed = errors.New("wait: channel closed")

// Sleep pauses for d or until ctx ends, whichever comes first. It returns nil
// after a full sleep and ctx.Err() otherwise. The timer is stopped on return,
// so an early return leaves nothing behind. A non-positive d returns
// ctx.Err() at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send sends v on ch, or gives up when ctx ends and returns ctx.Err(). If ctx
// has already ended, Send does not send even when ch has room. Like a bare
// send, Send panics if ch is closed.
func Send[T any](ctx context.Context, ch chan<- T, v T) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case ch <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Recv receives a value from ch, or gives up when ctx ends and returns the
// zero value and ctx.Err(). It returns [ErrClosed] when ch is closed and
// drained. If ctx has already ended, Recv does not receive.
func Recv[T any](ctx context.Context, ch <-chan T) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	select {
	case v, ok := <-ch:
		if !ok {
			return zero, ErrClosed
		}
		return v, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Wait waits until wg's counter is zero or ctx ends, and returns nil or
// ctx.Err() accordingly.
//
// A WaitGroup cannot be waited on with select, so Wait starts a helper
// goroutine that calls wg.Wait. When ctx ends first, Wait returns at once but
// the helper goroutine lives on until the group finishes: the work being
// waited for must itself end (for example because it honours the same ctx),
// or the helper leaks with it.
func Wait(ctx context.Context, wg *sync.WaitGroup) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
