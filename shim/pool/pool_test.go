//go:build go1.25

package pool_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/pool"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// shutdown shuts p down and fails the test if that takes long.
func shutdown(t *testing.T, p *pool.Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, p.Shutdown(ctx))
}

// recv waits for a value with a generous safety timeout.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting on channel")
		panic("unreachable")
	}
}

// blocker returns a task that signals started and then waits for release.
func blocker(started chan<- struct{}, release <-chan struct{}) func(context.Context) error {
	return func(context.Context) error {
		started <- struct{}{}
		<-release
		return nil
	}
}

func TestConcurrencyBoundManySubmitters(t *testing.T) {
	const size, submitters, perSubmitter = 4, 50, 20
	p := pool.New(size, 8)

	var running, maxRunning, ran atomic.Int64
	gate := make(chan struct{})
	var once sync.Once
	task := func(context.Context) error {
		n := running.Add(1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		if n == size {
			once.Do(func() { close(gate) }) // the pool is saturated at least once
		}
		<-gate
		running.Add(-1)
		ran.Add(1)
		return nil
	}

	var wg sync.WaitGroup
	for range submitters {
		wg.Go(func() {
			for range perSubmitter {
				assert.NoError(t, p.Submit(context.Background(), task))
			}
		})
	}
	wg.Wait()
	shutdown(t, p)

	assert.Equal(t, int64(size), maxRunning.Load(), "never more than size tasks at once, and size reached")
	assert.Equal(t, int64(submitters*perSubmitter), ran.Load())
	st := p.Stats()
	assert.Equal(t, uint64(submitters*perSubmitter), st.Submitted)
	assert.Equal(t, uint64(submitters*perSubmitter), st.Completed)
	assert.Zero(t, st.Rejected)
	assert.Zero(t, st.Running)
	assert.Zero(t, st.Queued)
}

func TestSubmitCancelledWhileQueueFull(t *testing.T) {
	p := pool.New(1, 1)
	started, release := make(chan struct{}), make(chan struct{})
	require.NoError(t, p.Submit(context.Background(), blocker(started, release)))
	recv(t, started)                                                              // the worker is busy
	require.NoError(t, p.Submit(context.Background(), blocker(started, release))) // the queue is full
	assert.False(t, p.TryGo(func(context.Context) error { return nil }))

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Submit(ctx, func(context.Context) error { return nil }) }()
	cancel()
	err := recv(t, errc)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "pool: submit")

	dctx, dcancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer dcancel()
	require.ErrorIs(t, p.Submit(dctx, func(context.Context) error { return nil }), context.DeadlineExceeded)

	st := p.Stats()
	assert.Equal(t, 1, st.Running)
	assert.Equal(t, 1, st.Queued)
	assert.Equal(t, uint64(2), st.Submitted)
	assert.Equal(t, uint64(3), st.Rejected, "TryGo, cancelled and timed-out Submit")

	close(release)
	recv(t, started)
	shutdown(t, p)
	assert.Equal(t, uint64(2), p.Stats().Completed)
}

func TestSubmitBlockedWhenShutdownStarts(t *testing.T) {
	p := pool.New(1, 0)
	started, release := make(chan struct{}), make(chan struct{})
	require.NoError(t, p.Submit(context.Background(), blocker(started, release)))
	recv(t, started)

	errc := make(chan error, 1)
	go func() { errc <- p.Submit(context.Background(), func(context.Context) error { return nil }) }()
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(context.Background()) }()
	require.ErrorIs(t, recv(t, errc), pool.ErrClosed, "a submitter waiting for room is released by Shutdown")
	close(release)
	require.NoError(t, recv(t, done))

	require.ErrorIs(t, p.Submit(context.Background(), func(context.Context) error { return nil }), pool.ErrClosed)
	assert.False(t, p.TryGo(func(context.Context) error { return nil }))
	_, err := pool.Go(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	require.ErrorIs(t, err, pool.ErrClosed)
}

func TestPanicRecovered(t *testing.T) {
	errs := make(chan error, 2)
	p := pool.New(1, 1, pool.WithErrorHandler(func(err error) { errs <- err }))
	defer shutdown(t, p)

	require.NoError(t, p.Submit(context.Background(), func(context.Context) error { panic("boom") }))
	err := recv(t, errs)
	var pe *pool.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "boom", pe.Value)
	assert.Contains(t, string(pe.Stack), "TestPanicRecovered", "the stack points at the panicking task")

	// A panic in a Go task reaches both the Result and the handler; the
	// worker survives both.
	r, err := pool.Go(context.Background(), p, func(context.Context) (int, error) { panic(http.ErrAbortHandler) })
	require.NoError(t, err)
	_, err = r.Wait(context.Background())
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, http.ErrAbortHandler, "an error panic value is unwrapped")
	require.ErrorAs(t, recv(t, errs), &pe)

	v, err := pool.Go(context.Background(), p, func(context.Context) (int, error) { return 7, nil })
	require.NoError(t, err)
	got, err := v.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 7, got)
	assert.Equal(t, uint64(2), p.Stats().Failed)
}

func TestErrorHandlerSeesSubmitErrorsOnly(t *testing.T) {
	var mu sync.Mutex
	var seen []error
	p := pool.New(2, 4, pool.WithErrorHandler(func(err error) {
		mu.Lock()
		seen = append(seen, err)
		mu.Unlock()
	}))
	errA, errB := errors.New("a"), errors.New("b")
	require.NoError(t, p.Submit(context.Background(), func(context.Context) error { return errA }))
	r, err := pool.Go(context.Background(), p, func(context.Context) (struct{}, error) { return struct{}{}, errB })
	require.NoError(t, err)
	_, err = r.Wait(context.Background())
	require.ErrorIs(t, err, errB)
	shutdown(t, p)
	assert.Equal(t, []error{errA}, seen, "Go's error is the caller's to handle")
}

func TestGoWaitAndCancel(t *testing.T) {
	p := pool.New(1, 1)
	defer shutdown(t, p)

	// Wait gives up with its own context; the task goes on.
	release := make(chan struct{})
	r, err := pool.Go(context.Background(), p, func(context.Context) (string, error) {
		<-release
		return "late", nil
	})
	require.NoError(t, err)
	wctx, wcancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer wcancel()
	_, err = r.Wait(wctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	<-r.Done()
	v, err := r.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "late", v)

	// Cancelling Go's context cancels the running task.
	ctx, cancel := context.WithCancel(context.Background())
	running := make(chan struct{})
	r, err = pool.Go(ctx, p, func(ctx context.Context) (string, error) {
		close(running)
		<-ctx.Done()
		return "", ctx.Err()
	})
	require.NoError(t, err)
	recv(t, running)
	cancel()
	_, err = r.Wait(context.Background())
	require.ErrorIs(t, err, context.Canceled)

	// A task whose caller gave up before it started is not run.
	ctx, cancel = context.WithCancel(context.Background())
	started, block := make(chan struct{}), make(chan struct{})
	require.NoError(t, p.Submit(context.Background(), blocker(started, block)))
	recv(t, started)
	called := false
	ri, err := pool.Go(ctx, p, func(context.Context) (int, error) { called = true; return 1, nil })
	require.NoError(t, err)
	cancel()
	close(block)
	_, err = ri.Wait(context.Background())
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, called)
}

type ctxKey struct{}

func TestSubmitContextKeepsValuesNotCancellation(t *testing.T) {
	p := pool.New(1, 1)
	defer shutdown(t, p)

	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "trace-1"))
	started, release := make(chan struct{}), make(chan struct{})
	type seen struct {
		value any
		err   error
		cause error
	}
	out := make(chan seen, 1)
	require.NoError(t, p.Submit(ctx, func(ctx context.Context) error {
		close(started)
		<-release
		// Deriving from the task context must work (and not leak a goroutine).
		child, stop := context.WithCancel(ctx)
		defer stop()
		out <- seen{ctx.Value(ctxKey{}), child.Err(), context.Cause(ctx)}
		return nil
	}))
	<-started
	cancel() // the request ends; the background task must not notice
	close(release)
	s := recv(t, out)
	assert.Equal(t, "trace-1", s.value)
	assert.NoError(t, s.err)
	assert.NoError(t, s.cause)
}

func TestShutdownDrainsQueue(t *testing.T) {
	const n = 100
	p := pool.New(3, n)
	release := make(chan struct{})
	var ran atomic.Int64
	for range n {
		require.NoError(t, p.Submit(context.Background(), func(context.Context) error {
			<-release
			ran.Add(1)
			return nil
		}))
	}
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(context.Background()) }()
	select {
	case <-done:
		t.Fatal("Shutdown returned with work queued")
	default:
	}
	close(release)
	require.NoError(t, recv(t, done))
	assert.Equal(t, int64(n), ran.Load())
	require.NoError(t, p.Shutdown(context.Background()), "Shutdown is idempotent")
}

func TestShutdownGivesUpLosesNothing(t *testing.T) {
	const size, queued = 2, 10
	var mu sync.Mutex
	var dropErrs []error
	p := pool.New(size, queued, pool.WithErrorHandler(func(err error) {
		mu.Lock()
		dropErrs = append(dropErrs, err)
		mu.Unlock()
	}))

	started := make(chan struct{}, size)
	var finished atomic.Int64
	honoursCtx := func(ctx context.Context) error {
		started <- struct{}{}
		<-ctx.Done() // stuck until the pool gives up
		finished.Add(1)
		return nil
	}
	for range size {
		require.NoError(t, p.Submit(context.Background(), honoursCtx))
	}
	for range size {
		recv(t, started)
	}
	var results []*pool.Result[int]
	for range queued {
		r, err := pool.Go(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
		require.NoError(t, err)
		results = append(results, r)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.Shutdown(ctx)
	var se *pool.ShutdownError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, size+queued, se.Unfinished)

	for _, r := range results {
		_, err := r.Wait(context.Background())
		require.ErrorIs(t, err, pool.ErrClosed, "queued tasks are dropped, visibly")
	}
	shutdown(t, p) // the workers exit once the running tasks return
	st := p.Stats()
	assert.Equal(t, int64(size), finished.Load())
	assert.Equal(t, st.Submitted, st.Completed+st.Dropped, "every accepted task is accounted for")
	assert.Equal(t, uint64(queued), st.Dropped)
	assert.Empty(t, dropErrs, "Go tasks report drops through their Result")
}

func TestShutdownWithConcurrentSubmittersLosesNothing(t *testing.T) {
	p := pool.New(4, 16)
	var accepted, ran atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 50 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := p.Submit(context.Background(), func(context.Context) error {
					ran.Add(1)
					return nil
				})
				if errors.Is(err, pool.ErrClosed) {
					return
				}
				if assert.NoError(t, err) {
					accepted.Add(1)
				}
			}
		})
	}
	for p.Stats().Completed < 1000 {
		runtime.Gosched()
	}
	shutdown(t, p)
	close(stop)
	wg.Wait()
	assert.Equal(t, accepted.Load(), ran.Load())
	assert.Equal(t, uint64(accepted.Load()), p.Stats().Completed)
}

func TestNewArguments(t *testing.T) {
	// Out-of-range numbers are clamped, never a panic.
	clamped := pool.New(0, -1)
	assert.Equal(t, 1, clamped.Stats().Workers)
	shutdown(t, clamped)
	p := pool.NewCPU()
	assert.Positive(t, p.Stats().Workers)
	shutdown(t, p)
}
