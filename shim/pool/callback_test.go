//go:build go1.25

package pool_test

import (
	"context"
	"errors"
	"testing"

	"github.com/blockcheck/blockcheck/shim/pool"
)

var errTask = errors.New("task failed")

// TestErrorHandlerPanicKeepsPool is the regression test for a panic in the
// error handler, which used to crash the process from a worker goroutine.
func TestErrorHandlerPanicKeepsPool(t *testing.T) {
	calls := make(chan error, 4)
	p := pool.New(1, 4, pool.WithErrorHandler(func(err error) {
		calls <- err
		panic("error handler bug")
	}))
	defer shutdown(t, p)

	for range 2 {
		if err := p.Submit(context.Background(), func(context.Context) error { return errTask }); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := recv(t, calls); !errors.Is(err, errTask) {
			t.Fatalf("handler got %v, want %v", err, errTask)
		}
	}
	// The worker survived both panics and still runs tasks.
	r, err := pool.Go(context.Background(), p, func(context.Context) (int, error) { return 7, nil })
	if err != nil {
		t.Fatal(err)
	}
	if v, err := r.Wait(context.Background()); v != 7 || err != nil {
		t.Fatalf("Go = %v, %v", v, err)
	}
	if got := p.Stats().Workers; got != 1 {
		t.Fatalf("Workers = %d", got)
	}
}
