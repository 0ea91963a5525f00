//go:build go1.25

package adaptive_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/adaptive"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clock is a manual clock for latency samples.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// round saturates l (takes every free permit), lets rtt pass and gives the
// permits back with Done, or Drop if drop is set. It returns the permits
// taken.
func round(t *testing.T, l *adaptive.Limiter, c *clock, rtt time.Duration, drop bool) int {
	t.Helper()
	var ps []*adaptive.Permit
	for {
		p, ok := l.TryAcquire()
		if !ok {
			break
		}
		ps = append(ps, p)
	}
	require.NotEmpty(t, ps, "a limit of at least 1 admits one")
	require.LessOrEqual(t, len(ps), l.Limit())
	c.Advance(rtt)
	for _, p := range ps {
		if drop {
			p.Drop()
		} else {
			p.Done()
		}
	}
	return len(ps)
}

func TestAIMDFallsOnDropsAndRecovers(t *testing.T) {
	c := newClock()
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(2, 50), adaptive.WithInitial(10), adaptive.WithClock(c.Now))
	for range 20 {
		round(t, l, c, 10*time.Millisecond, false)
		assert.LessOrEqual(t, l.Limit(), 50)
	}
	assert.Equal(t, 50, l.Limit(), "grows to its max while requests succeed, and no further")

	prev := l.Limit()
	for range 10 {
		round(t, l, c, 10*time.Millisecond, true)
		assert.Less(t, l.Limit(), prev, "each round of drops cuts the limit")
		prev = l.Limit()
		if prev == 2 {
			break
		}
	}
	for range 20 {
		round(t, l, c, 10*time.Millisecond, true)
	}
	assert.Equal(t, 2, l.Limit(), "never below its min")

	for range 10 {
		round(t, l, c, 10*time.Millisecond, false)
	}
	assert.Greater(t, l.Limit(), 20, "recovers once requests succeed again")
}

func TestAIMDLatencyThreshold(t *testing.T) {
	c := newClock()
	l := adaptive.New(adaptive.AIMD{Latency: 50 * time.Millisecond, Backoff: 0.5}, adaptive.WithInitial(16), adaptive.WithClock(c.Now))
	p, _ := l.TryAcquire()
	c.Advance(80 * time.Millisecond)
	p.Done()
	assert.Equal(t, 8, l.Limit(), "a success slower than Latency counts as a drop")
}

func TestGradientFollowsLatency(t *testing.T) {
	c := newClock()
	// Windows of at least 100 ms (and 10 samples).
	l := adaptive.New(adaptive.Gradient{Interval: 100 * time.Millisecond},
		adaptive.WithBounds(4, 500), adaptive.WithInitial(20), adaptive.WithClock(c.Now))
	for range 300 {
		round(t, l, c, 10*time.Millisecond, false)
	}
	fast := l.Limit()
	assert.Greater(t, fast, 30, "grows while latency is steady")

	// Latency rises tenfold: each round is a window, and the limit falls.
	prev := fast
	for range 5 {
		round(t, l, c, 100*time.Millisecond, false)
		assert.Less(t, l.Limit(), prev)
		prev = l.Limit()
	}
	for range 30 {
		round(t, l, c, 100*time.Millisecond, false)
	}
	slow := l.Limit()
	assert.Less(t, slow, fast/2)
	assert.GreaterOrEqual(t, slow, 4, "never below its min")

	// Latency back to normal: the limit recovers.
	for range 300 {
		round(t, l, c, 10*time.Millisecond, false)
	}
	assert.Greater(t, l.Limit(), 2*slow)
}

func TestGradientDrop(t *testing.T) {
	c := newClock()
	l := adaptive.New(adaptive.Gradient{Smoothing: 1, Interval: time.Nanosecond}, adaptive.WithInitial(40), adaptive.WithClock(c.Now))
	var ps []*adaptive.Permit
	for range 10 {
		p, _ := l.TryAcquire()
		ps = append(ps, p)
	}
	c.Advance(time.Millisecond)
	ps[0].Drop()
	for _, p := range ps[1:] {
		p.Done()
	}
	assert.Equal(t, 20, l.Limit(), "a window with a drop halves the limit")
}

func TestIdleLimitDoesNotGrow(t *testing.T) {
	for _, alg := range []adaptive.Algorithm{adaptive.AIMD{}, adaptive.Gradient{}} {
		c := newClock()
		l := adaptive.New(alg, adaptive.WithInitial(40), adaptive.WithClock(c.Now))
		for range 100 {
			p, ok := l.TryAcquire() // one at a time: 1 of 40 in use
			require.True(t, ok)
			c.Advance(time.Millisecond)
			p.Done()
		}
		assert.Equal(t, 40, l.Limit(), "%T: an unused limit teaches nothing", alg)
	}
}

func TestLimitStaysWithinBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, alg := range []adaptive.Algorithm{
		adaptive.AIMD{}, adaptive.AIMD{Increase: 1e9, Backoff: 0.5, Latency: time.Millisecond},
		adaptive.Gradient{}, adaptive.Gradient{Tolerance: 1, Smoothing: 1, Window: 1, Queue: 1e9},
	} {
		c := newClock()
		l := adaptive.New(alg, adaptive.WithBounds(3, 64), adaptive.WithInitial(1000), adaptive.WithClock(c.Now))
		assert.Equal(t, 64, l.Limit(), "the initial limit is clamped")
		var out []*adaptive.Permit
		for range 20_000 {
			if p, ok := l.TryAcquire(); ok {
				out = append(out, p)
			}
			if len(out) > 0 && rng.IntN(2) == 0 {
				i := rng.IntN(len(out))
				p := out[i]
				out = append(out[:i], out[i+1:]...)
				c.Advance([]time.Duration{0, time.Microsecond, time.Millisecond, time.Second, time.Hour}[rng.IntN(5)])
				switch rng.IntN(3) {
				case 0:
					p.Done()
				case 1:
					p.Drop()
				default:
					p.Ignore()
				}
			}
			lim := l.Limit()
			require.True(t, lim >= 3 && lim <= 64, "%T: limit %d out of [3, 64]", alg, lim)
		}
		for _, p := range out {
			p.Done()
		}
		assert.Zero(t, l.InFlight())
	}
}

func TestBoundsClamp(t *testing.T) {
	l := adaptive.New(nil, adaptive.WithBounds(0, -5), adaptive.WithInitial(7))
	assert.Equal(t, 1, l.Limit(), "min below 1 is 1, max below min is min")
}

func TestPermitReturnedOnce(t *testing.T) {
	l := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(2, 2))
	p1, _ := l.TryAcquire()
	p2, _ := l.TryAcquire()
	_, ok := l.TryAcquire()
	require.False(t, ok)
	p1.Done()
	p1.Done()
	p1.Drop()
	p1.Ignore()
	assert.Equal(t, 1, l.InFlight(), "giving a permit back twice does not widen the limit")
	p3, ok := l.TryAcquire()
	require.True(t, ok)
	_, ok = l.TryAcquire()
	assert.False(t, ok)
	p2.Done()
	p3.Done()
}

func TestWaitInOrderAndHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := adaptive.New(adaptive.AIMD{}, adaptive.WithBounds(1, 1))
		first, err := l.Wait(context.Background())
		require.NoError(t, err)

		var order []int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				p, err := l.Wait(context.Background())
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				time.Sleep(time.Second)
				p.Done()
			})
			synctest.Wait() // each waiter queues before the next
		}
		// A waiter whose context ends leaves the queue.
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_, err = l.Wait(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)

		_, ok := l.TryAcquire()
		assert.False(t, ok, "TryAcquire does not jump the queue")
		first.Done()
		wg.Wait()
		assert.Equal(t, []int{0, 1, 2}, order, "first come, first served")
		assert.Zero(t, l.InFlight())
	})
}

func TestWaitAfterContextEnded(t *testing.T) {
	l := adaptive.New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Wait(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, l.InFlight())
}

func TestLimitRiseWakesWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := adaptive.New(adaptive.AIMD{Increase: 3}, adaptive.WithBounds(1, 10), adaptive.WithInitial(1))
		p, _ := l.TryAcquire()
		got := make(chan *adaptive.Permit, 4)
		for range 4 {
			go func() {
				q, err := l.Wait(context.Background())
				if err == nil {
					got <- q
				}
			}()
		}
		synctest.Wait()
		p.Done() // 1 + 3: four waiters admitted at once
		synctest.Wait()
		require.Len(t, got, 4)
		assert.Equal(t, 4, l.InFlight())
		for range 4 {
			(<-got).Ignore()
		}
	})
}

func TestAcquireWaitsUpToWithWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := adaptive.New(nil, adaptive.WithBounds(1, 1), adaptive.WithWait(3*time.Second))
		p, err := l.Acquire(context.Background())
		require.NoError(t, err)

		start := time.Now()
		_, err = l.Acquire(context.Background())
		require.ErrorIs(t, err, adaptive.ErrLimited)
		assert.Equal(t, 3*time.Second, time.Since(start), "refused when the wait runs out")

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err = l.Acquire(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded, "the caller's context ended first")
		assert.NotErrorIs(t, err, adaptive.ErrLimited)

		go func() {
			time.Sleep(time.Second)
			p.Done()
		}()
		q, err := l.Acquire(context.Background())
		require.NoError(t, err, "a permit freed within the wait is granted")
		q.Done()
		assert.Zero(t, l.InFlight())
	})
}
