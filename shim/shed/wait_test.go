//go:build go1.25

package shed_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/blockcheck/blockcheck/shim/shed"
)

// TestWaitBlocksUntilSlotOrDeadline runs on synctest's fake clock: Wait
// outlasts the Shedder's own wait, gets a slot given back, and gives up at
// its context's deadline and not before.
func TestWaitBlocksUntilSlotOrDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := shed.New(1, shed.WithWait(time.Millisecond))
		hold, err := s.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan error, 1)
		go func() {
			release, err := s.Wait(t.Context())
			if err == nil {
				release()
			}
			got <- err
		}()
		time.Sleep(time.Hour) // far past the Shedder's wait
		synctest.Wait()
		select {
		case err := <-got:
			t.Fatalf("Wait returned %v while the slot was taken", err)
		default:
		}
		hold()
		if err := <-got; err != nil {
			t.Fatalf("Wait = %v, want a slot", err)
		}

		hold, _ = s.Acquire(t.Context())
		defer hold()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err = s.Wait(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v, want DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited != 5*time.Second {
			t.Fatalf("waited %v on the fake clock, want exactly 5s", waited)
		}
	})
}

// TestAcquireWaitIsBounded: Acquire gives up after the Shedder's wait, on the
// fake clock (it used to measure the wall clock).
func TestAcquireWaitIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := shed.New(1, shed.WithWait(5*time.Millisecond))
		release, err := s.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		start := time.Now()
		_, err = s.Acquire(t.Context())
		if !errors.Is(err, shed.ErrShed) || time.Since(start) != 5*time.Millisecond {
			t.Fatalf("Acquire = %v after %v, want ErrShed after 5ms", err, time.Since(start))
		}
	})
}
