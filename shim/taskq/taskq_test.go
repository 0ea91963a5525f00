//go:build go1.25

package taskq_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/taskq"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var errFlaky = errors.New("flaky")

func noWait(time.Duration) time.Duration { return 0 }

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

// drain shuts q down and requires that nothing was handed back.
func drain(t *testing.T, q *taskq.Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	left, err := q.Shutdown(ctx)
	require.NoError(t, err)
	require.Empty(t, left)
}

func status(t *testing.T, q *taskq.Queue, id string) taskq.TaskStatus {
	t.Helper()
	s, ok := q.Status(id)
	require.True(t, ok, "status of %s", id)
	return s
}

func TestRegisterAndStart(t *testing.T) {
	q := taskq.New(taskq.WithWorkers(1))
	nop := func(context.Context, []byte) error { return nil }
	require.NoError(t, q.Register("a", nop))
	require.Error(t, q.Register("a", nop), "duplicate name")
	require.Error(t, q.Register("", nop))
	require.Error(t, q.Register("b", nil))
	require.NoError(t, q.Start())
	require.ErrorIs(t, q.Register("c", nop), taskq.ErrStarted)
	require.ErrorIs(t, q.Start(), taskq.ErrStarted)
	drain(t, q)
	require.ErrorIs(t, q.Start(), taskq.ErrClosed)
}

func TestEnqueueErrors(t *testing.T) {
	q := taskq.New(taskq.WithQueueSize(3))
	require.NoError(t, q.Register("a", func(context.Context, []byte) error { return nil }))

	_, err := q.Enqueue(context.Background(), "nope", nil)
	require.ErrorIs(t, err, taskq.ErrUnknownTask)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = q.Enqueue(ctx, "a", nil)
	require.ErrorIs(t, err, context.Canceled)

	for range 3 { // not started: nothing consumes the queue
		_, err := q.Enqueue(context.Background(), "a", nil)
		require.NoError(t, err)
	}
	_, err = q.Enqueue(context.Background(), "a", nil)
	require.ErrorIs(t, err, taskq.ErrFull)
	assert.Contains(t, err.Error(), "size 3")
	assert.Equal(t, uint64(1), q.Stats().Rejected)

	left, err := q.Shutdown(context.Background())
	require.NoError(t, err)
	assert.Len(t, left, 3, "Shutdown before Start hands back the queued tasks")
	_, err = q.Enqueue(context.Background(), "a", nil)
	require.ErrorIs(t, err, taskq.ErrClosed)
	left, err = q.Shutdown(context.Background())
	require.NoError(t, err)
	assert.Empty(t, left)
}

func TestRunsTasksWithinWorkerBound(t *testing.T) {
	const workers, n = 3, 60
	q := taskq.New(taskq.WithWorkers(workers), taskq.WithQueueSize(n))
	var running, maxRunning atomic.Int64
	gate := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	seen := map[string]int{}
	require.NoError(t, q.Register("work", func(_ context.Context, p []byte) error {
		r := running.Add(1)
		for {
			m := maxRunning.Load()
			if r <= m || maxRunning.CompareAndSwap(m, r) {
				break
			}
		}
		if r == workers {
			once.Do(func() { close(gate) })
		}
		<-gate
		mu.Lock()
		seen[string(p)]++
		mu.Unlock()
		running.Add(-1)
		return nil
	}))
	require.NoError(t, q.Start())

	ids := map[string]bool{}
	var idsMu sync.Mutex
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := range n / 6 {
				id, err := q.Enqueue(context.Background(), "work", fmt.Appendf(nil, "%d-%d", g, i))
				if assert.NoError(t, err) {
					idsMu.Lock()
					ids[id] = true
					idsMu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	drain(t, q)

	assert.Equal(t, int64(workers), maxRunning.Load())
	assert.Len(t, ids, n, "IDs are unique")
	assert.Len(t, seen, n)
	for p, c := range seen {
		assert.Equal(t, 1, c, "payload %s ran once", p)
	}
	for id := range ids {
		s := status(t, q, id)
		assert.Equal(t, taskq.StateDone, s.State)
		assert.Equal(t, 1, s.Attempts)
		assert.NoError(t, s.Err)
	}
	st := q.Stats()
	assert.Equal(t, uint64(n), st.Enqueued)
	assert.Equal(t, uint64(n), st.Done)
}

func TestRetries(t *testing.T) {
	var bounds []time.Duration
	var mu sync.Mutex
	failures := make(chan taskq.Task, 4)
	q := taskq.New(
		taskq.WithWorkers(1),
		taskq.WithMaxAttempts(4),
		taskq.WithBackoff(10*time.Millisecond, 30*time.Millisecond),
		taskq.WithJitter(func(d time.Duration) time.Duration {
			mu.Lock()
			bounds = append(bounds, d)
			mu.Unlock()
			return 0 // retry at once
		}),
		taskq.WithFailureHandler(func(task taskq.Task) { failures <- task }),
	)
	var calls sync.Map
	count := func(name string) int {
		v, _ := calls.LoadOrStore(name, new(atomic.Int64))
		return int(v.(*atomic.Int64).Add(1))
	}
	require.NoError(t, q.Register("twice-flaky", func(context.Context, []byte) error {
		if count("twice-flaky") <= 2 {
			return errFlaky
		}
		return nil
	}))
	require.NoError(t, q.Start())

	flaky, err := q.Enqueue(context.Background(), "twice-flaky", nil)
	require.NoError(t, err)
	drain(t, q) // also checks retries run during a graceful Shutdown

	s := status(t, q, flaky)
	assert.Equal(t, taskq.StateDone, s.State)
	assert.Equal(t, 3, s.Attempts)
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}, bounds, "exponential bounds")

	// A fresh queue for the failing kinds.
	q2 := taskq.New(taskq.WithWorkers(2), taskq.WithMaxAttempts(4), taskq.WithJitter(noWait),
		taskq.WithBackoff(10*time.Millisecond, 30*time.Millisecond),
		taskq.WithFailureHandler(func(task taskq.Task) { failures <- task }))
	for _, name := range []string{"always", "permanent", "panics"} {
		require.NoError(t, q2.Register(name, func(ctx context.Context, p []byte) error {
			h, _ := map[string]taskq.Handler{
				"always":    func(context.Context, []byte) error { count("always"); return errFlaky },
				"permanent": func(context.Context, []byte) error { count("permanent"); return retry.Permanent(errFlaky) },
				"panics":    func(context.Context, []byte) error { count("panics"); panic("boom") },
			}[name]
			return h(ctx, p)
		}))
	}
	require.NoError(t, q2.Start())
	ids := map[string]string{}
	for _, name := range []string{"always", "permanent", "panics"} {
		id, err := q2.Enqueue(context.Background(), name, []byte(name))
		require.NoError(t, err)
		ids[name] = id
	}
	drain(t, q2)

	want := map[string]int{"always": 4, "permanent": 1, "panics": 4}
	for name, attempts := range want {
		s := status(t, q2, ids[name])
		assert.Equal(t, taskq.StateFailed, s.State, name)
		assert.Equal(t, attempts, s.Attempts, name)
		require.Error(t, s.Err, name)
	}
	var pe *taskq.PanicError
	require.ErrorAs(t, status(t, q2, ids["panics"]).Err, &pe)
	assert.Equal(t, "boom", pe.Value)
	assert.ErrorIs(t, status(t, q2, ids["always"]).Err, errFlaky)

	got := map[string]taskq.Task{}
	for range 3 {
		f := recv(t, failures)
		got[f.Name] = f
	}
	assert.Equal(t, 4, got["always"].Attempts)
	assert.Equal(t, []byte("always"), got["always"].Payload)
	assert.True(t, retry.IsPermanent(got["permanent"].Err))
	st := q2.Stats()
	assert.Equal(t, uint64(3), st.Failed)
	assert.Equal(t, uint64(3+3), st.Retries)
}

func TestShutdownHandsBackEverythingNotDone(t *testing.T) {
	q := taskq.New(
		taskq.WithWorkers(2),
		taskq.WithMaxAttempts(3),
		taskq.WithJitter(func(time.Duration) time.Duration { return time.Hour }), // retries wait "forever"
	)
	started := make(chan string, 2)
	retried := make(chan string, 2)
	require.NoError(t, q.Register("block", func(ctx context.Context, p []byte) error {
		started <- string(p)
		<-ctx.Done() // honours the context: returns when Shutdown gives up
		return ctx.Err()
	}))
	require.NoError(t, q.Register("fail", func(_ context.Context, p []byte) error {
		retried <- string(p)
		return errFlaky
	}))
	require.NoError(t, q.Start())

	var accepted []string
	enqueue := func(name, payload string) {
		id, err := q.Enqueue(context.Background(), name, []byte(payload))
		require.NoError(t, err)
		accepted = append(accepted, id)
	}
	enqueue("fail", "f1")
	enqueue("fail", "f2")
	recv(t, retried)
	recv(t, retried)
	require.Eventually(t, func() bool { return q.Stats().Waiting == 2 }, 10*time.Second, time.Millisecond)
	enqueue("block", "b1")
	enqueue("block", "b2")
	recv(t, started)
	recv(t, started)
	for i := range 5 {
		enqueue("block", fmt.Sprint("q", i))
	}
	st := q.Stats()
	assert.Equal(t, 2, st.Running)
	assert.Equal(t, 5, st.Queued)
	assert.Equal(t, 2, st.Waiting)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	left, err := q.Shutdown(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "9 tasks handed back")

	require.Len(t, left, len(accepted))
	for i, task := range left {
		assert.Equal(t, accepted[i], task.ID, "handed back in enqueue order")
		_, ok := q.Status(task.ID)
		assert.False(t, ok, "a handed-back task is no longer tracked")
	}
	assert.Equal(t, "f1", string(left[0].Payload))
	assert.Equal(t, 1, left[0].Attempts)
	assert.ErrorIs(t, left[0].Err, errFlaky, "a task waiting for a retry keeps its last error")
	assert.True(t, left[2].Interrupted, "b1 was running")
	assert.True(t, left[3].Interrupted, "b2 was running")
	for _, task := range left[4:] {
		assert.False(t, task.Interrupted)
		assert.Zero(t, task.Attempts)
	}

	// The running handlers saw the cancellation; the workers exit.
	left, err = q.Shutdown(context.Background())
	require.NoError(t, err)
	assert.Empty(t, left)
	st = q.Stats()
	assert.Equal(t, st.Enqueued, st.Done+st.Failed+st.HandedBack, "nothing lost")
	assert.Equal(t, uint64(9), st.HandedBack)
}

func TestShutdownUnderLoadLosesNothing(t *testing.T) {
	q := taskq.New(taskq.WithWorkers(4), taskq.WithQueueSize(64), taskq.WithJitter(noWait), taskq.WithMaxAttempts(2))
	var flip atomic.Int64
	require.NoError(t, q.Register("t", func(ctx context.Context, _ []byte) error {
		if flip.Add(1)%5 == 0 {
			return errFlaky // some retries in flight
		}
		return nil
	}))
	require.NoError(t, q.Start())

	var accepted atomic.Uint64
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for {
				_, err := q.Enqueue(context.Background(), "t", nil)
				switch {
				case err == nil:
					accepted.Add(1)
				case errors.Is(err, taskq.ErrFull):
					runtime.Gosched() // let the workers make room
				case errors.Is(err, taskq.ErrClosed):
					return
				default:
					t.Error(err)
					return
				}
			}
		})
	}
	require.Eventually(t, func() bool { return q.Stats().Done > 300 }, 10*time.Second, time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // give up at once: whatever is not done comes back
	left, err := q.Shutdown(ctx)
	wg.Wait()
	if err != nil {
		require.ErrorIs(t, err, context.Canceled)
	}
	_, err = q.Shutdown(context.Background()) // wait for the workers
	require.NoError(t, err)

	st := q.Stats()
	assert.Equal(t, accepted.Load(), st.Enqueued)
	assert.Equal(t, uint64(len(left)), st.HandedBack)
	assert.Equal(t, accepted.Load(), st.Done+st.Failed+uint64(len(left)), "accepted == finished + handed back")
	t.Logf("accepted %d, done %d, failed %d, handed back %d", accepted.Load(), st.Done, st.Failed, len(left))
}

func TestHistoryBounded(t *testing.T) {
	q := taskq.New(taskq.WithWorkers(1), taskq.WithHistory(2))
	done := make(chan struct{}, 3)
	require.NoError(t, q.Register("t", func(context.Context, []byte) error { done <- struct{}{}; return nil }))
	require.NoError(t, q.Start())
	var ids []string
	for range 3 {
		id, err := q.Enqueue(context.Background(), "t", nil)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	drain(t, q)
	_, ok := q.Status(ids[0])
	assert.False(t, ok, "the oldest finished status is forgotten")
	assert.Equal(t, taskq.StateDone, status(t, q, ids[1]).State)
	assert.Equal(t, taskq.StateDone, status(t, q, ids[2]).State)
	_, ok = q.Status("no-such-id")
	assert.False(t, ok)
}

type ctxKey struct{}

func TestStatusAndHandlerContext(t *testing.T) {
	q := taskq.New(taskq.WithWorkers(1))
	started, release := make(chan struct{}), make(chan struct{})
	type seen struct {
		v   any
		err error
	}
	out := make(chan seen, 1)
	require.NoError(t, q.Register("t", func(ctx context.Context, _ []byte) error {
		close(started)
		<-release
		out <- seen{ctx.Value(ctxKey{}), ctx.Err()}
		return nil
	}))
	require.NoError(t, q.Start())

	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "req-7"))
	id, err := q.Enqueue(ctx, "t", nil)
	require.NoError(t, err)
	<-started
	s := status(t, q, id)
	assert.Equal(t, taskq.StateRunning, s.State)
	assert.Equal(t, "t", s.Name)
	cancel() // the request ends; the task must not notice
	close(release)
	got := recv(t, out)
	assert.Equal(t, "req-7", got.v)
	assert.NoError(t, got.err)
	drain(t, q)
	assert.Equal(t, taskq.StateDone, status(t, q, id).State)
}

func TestIDsDifferAcrossQueues(t *testing.T) {
	a, b := taskq.New(), taskq.New()
	for _, q := range []*taskq.Queue{a, b} {
		require.NoError(t, q.Register("t", func(context.Context, []byte) error { return nil }))
	}
	ida, err := a.Enqueue(context.Background(), "t", nil)
	require.NoError(t, err)
	idb, err := b.Enqueue(context.Background(), "t", nil)
	require.NoError(t, err)
	assert.NotEqual(t, ida, idb)
	for _, q := range []*taskq.Queue{a, b} {
		left, err := q.Shutdown(context.Background())
		require.NoError(t, err)
		assert.Len(t, left, 1)
	}
}

func TestEnqueueCopiesPayload(t *testing.T) {
	q := taskq.New()
	require.NoError(t, q.Register("t", func(context.Context, []byte) error { return nil }))
	p := []byte("abc")
	_, err := q.Enqueue(context.Background(), "t", p)
	require.NoError(t, err)
	p[0] = 'X'
	left, err := q.Shutdown(context.Background())
	require.NoError(t, err)
	require.Len(t, left, 1)
	assert.Equal(t, "abc", string(left[0].Payload))
}

func TestStateString(t *testing.T) {
	assert.Equal(t, "queued", taskq.StateQueued.String())
	assert.Equal(t, "running", taskq.StateRunning.String())
	assert.Equal(t, "done", taskq.StateDone.String())
	assert.Equal(t, "failed", taskq.StateFailed.String())
	assert.Equal(t, "State(9)", taskq.State(9).String())
}
