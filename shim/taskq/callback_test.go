//go:build go1.25

package taskq_test

import (
	"context"
	"errors"
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
