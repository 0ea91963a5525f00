//go:build go1.25

package taskq_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"testing"

	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/taskq"
)

// TestFailureHandlerPanic is the regression test for a panic in the failure
// handler, which ended in "fatal error: sync: unlock of unlocked mutex" and
// hid the original panic.
func TestFailureHandlerPanic(t *testing.T) {
	failed := make(chan taskq.Task, 4)
	q := taskq.New(taskq.WithWorkers(1), taskq.WithMaxAttempts(1), taskq.WithFailureHandler(func(task taskq.Task) {
		failed <- task
		panic("dead-letter store down")
	}))
	done := make(chan string, 4)
	if err := q.Register("bad", func(context.Context, []byte) error { return retry.Permanent(errors.New("nope")) }); err != nil {
		t.Fatal(err)
	}
	if err := q.Register("good", func(_ context.Context, p []byte) error { done <- string(p); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bad", "bad", "good"} {
		if _, err := q.Enqueue(context.Background(), name, []byte(name)); err != nil {
			t.Fatal(err)
		}
	}
	recv(t, failed)
	recv(t, failed)
	if got := recv(t, done); got != "good" {
		t.Fatalf("done %q", got)
	}
	drain(t, q)
	s := q.Stats()
	if s.Failed != 2 || s.Done != 1 || s.CallbackPanics != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// TestHugeBackoffIsSafe is the regression test for a retry bound of
// math.MaxInt64, which panicked on the worker when the first attempt failed.
func TestHugeBackoffIsSafe(t *testing.T) {
	q := taskq.New(taskq.WithWorkers(1), taskq.WithMaxAttempts(2), taskq.WithBackoff(math.MaxInt64, math.MaxInt64))
	attempted := make(chan struct{}, 1)
	if err := q.Register("flaky", func(context.Context, []byte) error {
		attempted <- struct{}{}
		return errors.New("try later")
	}); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(); err != nil {
		t.Fatal(err)
	}
	id, err := q.Enqueue(context.Background(), "flaky", nil)
	if err != nil {
		t.Fatal(err)
	}
	recv(t, attempted)
	// The retry waits (practically) forever: Shutdown hands it back.
	ctx, cancel := context.WithCancel(context.Background())
	for q.Stats().Waiting != 1 {
		runtime.Gosched()
	}
	cancel()
	left, err := q.Shutdown(ctx)
	if !errors.Is(err, context.Canceled) || len(left) != 1 || left[0].ID != id || left[0].Attempts != 1 {
		t.Fatalf("Shutdown = %+v, %v", left, err)
	}
}
