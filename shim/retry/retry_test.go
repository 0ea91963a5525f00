package retry_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/retry"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var errFlaky = errors.New("flaky")

// noWait is a jitter that never waits, so tests run at full speed.
func noWait(time.Duration) time.Duration { return 0 }

func TestDoSucceedsAfterRetries(t *testing.T) {
	calls := 0
	var waits []time.Duration
	p := retry.Policy{
		Attempts: 5,
		Jitter:   noWait,
		OnRetry:  func(_ int, _ error, d time.Duration) { waits = append(waits, d) },
	}
	err := retry.Do(context.Background(), p, func(context.Context) error {
		calls++
		if calls < 3 {
			return errFlaky
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 3, calls)
	assert.Len(t, waits, 2, "one wait per retry")
}

func TestDoGivesUp(t *testing.T) {
	calls := 0
	err := retry.Do(context.Background(), retry.Policy{Attempts: 4, Jitter: noWait}, func(context.Context) error {
		calls++
		return errFlaky
	})
	require.ErrorIs(t, err, errFlaky)
	assert.Equal(t, 4, calls)
	assert.Contains(t, err.Error(), "4 attempts")
}

func TestDoDefaultAttempts(t *testing.T) {
	calls := 0
	err := retry.Do(context.Background(), retry.Policy{Jitter: noWait}, func(context.Context) error {
		calls++
		return errFlaky
	})
	require.ErrorIs(t, err, errFlaky)
	assert.Equal(t, retry.DefaultAttempts, calls)
}

func TestDoPermanent(t *testing.T) {
	calls := 0
	err := retry.Do(context.Background(), retry.Policy{Attempts: 5, Jitter: noWait}, func(context.Context) error {
		calls++
		return retry.Permanent(io.ErrUnexpectedEOF)
	})
	assert.Equal(t, 1, calls)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.True(t, retry.IsPermanent(err), "the mark survives wrapping")
	assert.False(t, retry.IsPermanent(errFlaky))
	assert.NoError(t, retry.Permanent(nil))
}

func TestDoStopsWhenContextEndsDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	p := retry.Policy{
		Attempts: 10,
		Base:     time.Hour,
		Max:      time.Hour,
		Jitter:   func(d time.Duration) time.Duration { return d }, // would wait an hour
		OnRetry:  func(int, error, time.Duration) { cancel() },     // cancel as the wait starts
	}
	done := make(chan error, 1)
	go func() {
		done <- retry.Do(ctx, p, func(context.Context) error {
			calls++
			return errFlaky
		})
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, err, errFlaky, "the last error is kept")
	case <-time.After(10 * time.Second):
		t.Fatal("Do kept waiting after the context ended")
	}
	assert.Equal(t, 1, calls)
}

func TestDoContextAlreadyDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := retry.Do(ctx, retry.Policy{}, func(context.Context) error {
		called = true
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, called)
}

func TestDoFnReturnsContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := retry.Do(ctx, retry.Policy{Attempts: 5, Jitter: noWait}, func(ctx context.Context) error {
		calls++
		cancel()
		return ctx.Err()
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, calls, "no retry once ctx has ended")
}

func TestBackoffBounds(t *testing.T) {
	full := func(d time.Duration) time.Duration { return d }
	p := retry.Policy{Base: 10 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 2, Jitter: full}
	want := []time.Duration{10, 20, 40, 80, 100, 100}
	for i, w := range want {
		assert.Equal(t, w*time.Millisecond, p.Backoff(i+1), "retry %d", i+1)
		assert.Equal(t, w*time.Millisecond, p.Bound(i+1), "retry %d", i+1)
	}
	assert.Equal(t, 100*time.Millisecond, p.Bound(10_000), "no overflow for huge n")

	// Out-of-range jitter is clamped to [0, bound].
	p.Jitter = func(d time.Duration) time.Duration { return 2 * d }
	assert.Equal(t, 10*time.Millisecond, p.Backoff(1))
	p.Jitter = func(time.Duration) time.Duration { return -time.Second }
	assert.Zero(t, p.Backoff(1))

	// The jitter sees the bound.
	var seen []time.Duration
	p.Jitter = func(d time.Duration) time.Duration { seen = append(seen, d); return d / 2 }
	assert.Equal(t, 20*time.Millisecond, p.Backoff(3))
	assert.Equal(t, []time.Duration{40 * time.Millisecond}, seen)
}

func TestBackoffDefaultJitterInRange(t *testing.T) {
	p := retry.Policy{Base: time.Millisecond, Max: 8 * time.Millisecond}
	for n := 1; n <= 6; n++ {
		for range 200 {
			d := p.Backoff(n)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, p.Bound(n))
		}
	}
}

func TestPolicyDefaults(t *testing.T) {
	var p retry.Policy
	assert.Equal(t, retry.DefaultBase, p.Bound(1))
	assert.Equal(t, 2*retry.DefaultBase, p.Bound(2))
	assert.Equal(t, retry.DefaultMax, p.Bound(100))
	constant := retry.Policy{Base: time.Second, Multiplier: 1}
	assert.Equal(t, time.Second, constant.Bound(5))
}
