package pool

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
)

// ErrClosed is returned when work is submitted to a pool that is shutting
// down, and is the error of tasks dropped by a [Pool.Shutdown] that gave up.
var ErrClosed = errors.New("pool: closed")

// PanicError is the error of a task that panicked: its Value is the value
// passed to panic and its Stack the stack of the panicking goroutine. Unwrap
// returns the value if it is an error, so that errors.Is sees, for example,
// http.ErrAbortHandler. It is the same type as taskq.PanicError.
type PanicError = shared.PanicError

// ShutdownError is returned by [Pool.Shutdown] when its context ends before
// every accepted task has finished.
type ShutdownError struct {
	Unfinished int   // tasks accepted but not finished when Shutdown gave up
	Err        error // the context's error
}

// Error says how many tasks did not finish and why.
func (e *ShutdownError) Error() string {
	return fmt.Sprintf("pool: shutdown: %d tasks unfinished: %v", e.Unfinished, e.Err)
}

// Unwrap returns the context's error.
func (e *ShutdownError) Unwrap() error { return e.Err }

// Stats is a snapshot of a pool's counters. Each field is read atomically but
// the snapshot as a whole is not, so fields may be off by tasks in flight.
type Stats struct {
	Workers   int    // number of workers (the pool's size)
	Queued    int    // tasks waiting in the queue
	Running   int    // tasks running now
	Submitted uint64 // tasks accepted, in total
	Completed uint64 // tasks that ran to the end, failed ones included
	Failed    uint64 // completed tasks that returned an error or panicked
	Rejected  uint64 // Submit, Go and TryGo calls that did not queue a task
	Dropped   uint64 // accepted tasks discarded by a Shutdown that gave up
	// CallbackPanics counts panics of the error handler, recovered and
	// logged so that they cannot take the process down.
	CallbackPanics uint64
}

// An Option configures a [Pool].
type Option func(*Pool)

// WithErrorHandler sets a function called with the error of every failed
// task whose result nobody holds (tasks from Submit and TryGo), with every
// panic as a [*PanicError] (tasks from Go included), and with an error
// wrapping [ErrClosed] for each Submit or TryGo task dropped at shutdown.
// It runs on the worker goroutine, so it should be quick. A panic in h is
// recovered, logged with its stack and counted in Stats.CallbackPanics.
func WithErrorHandler(h func(error)) Option {
	return func(p *Pool) { p.onError = h }
}

// Pool is a fixed set of workers fed by a bounded queue. Its methods are safe
// for concurrent use. Create it with [New] or [NewCPU] and release it with
// [Pool.Shutdown].
type Pool struct {
	size    int
	tasks   chan task
	onError func(error)

	// mu keeps sends on tasks apart from its close: Submit holds it for
	// reading while it sends, Shutdown for writing while it closes.
	mu     sync.RWMutex
	closed bool
	quit   chan struct{} // closed when Shutdown starts; wakes blocked submitters
	once   sync.Once

	// life is the context tasks run with; cancelled when Shutdown gives up.
	life   context.Context
	cancel context.CancelFunc
	alive  atomic.Int32
	done   chan struct{} // closed when the last worker exits

	running   atomic.Int64
	submitted atomic.Uint64
	completed atomic.Uint64
	failed    atomic.Uint64
	rejected  atomic.Uint64
	dropped   atomic.Uint64
	cbPanics  atomic.Uint64
}

type task struct {
	fn func(context.Context) error
	// parent supplies the values of the task's context; nil for none.
	parent context.Context
	// drop, if set, is told the task will not run.
	drop func(error)
	// report sends the task's error to the error handler.
	report bool
}

// New starts a pool of size workers with room for queue waiting tasks. A
// queue of 0 makes Submit hand each task straight to an idle worker. A size
// below 1 is raised to 1 and a negative queue to 0: like every constructor in
// the shim, New does not panic on a number.
func New(size, queue int, opts ...Option) *Pool {
	size, queue = max(size, 1), max(queue, 0)
	p := &Pool{
		size:  size,
		tasks: make(chan task, queue),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	for _, o := range opts {
		o(p)
	}
	p.life, p.cancel = context.WithCancel(context.Background())
	p.alive.Store(int32(size))
	for range size {
		go p.worker()
	}
	return p
}

// NewCPU starts a pool for CPU-bound work: runtime.GOMAXPROCS(0) workers and
// a queue of the same length. Use [New] for other sizes.
func NewCPU(opts ...Option) *Pool {
	n := runtime.GOMAXPROCS(0)
	return New(n, n, opts...)
}

// Submit queues fn to run on a worker, waiting for room in the queue until
// ctx ends (it then returns ctx's error, wrapped) or the pool shuts down
// ([ErrClosed]). A nil error means fn will run, unless a Shutdown gives up
// first.
//
// fn outlives the call and usually the request: its context carries ctx's
// values (trace IDs, loggers) but not ctx's cancellation, and is cancelled
// only when a Shutdown gives up. If fn fails, its error goes to the handler
// set by [WithErrorHandler].
func (p *Pool) Submit(ctx context.Context, fn func(ctx context.Context) error) error {
	if err := p.enqueue(ctx, task{fn: fn, parent: ctx, report: true}); err != nil {
		return fmt.Errorf("pool: submit: %w", err)
	}
	return nil
}

// TryGo queues fn if there is room right now and reports whether it did. It
// never waits. fn's context is cancelled only when a Shutdown gives up; its
// error goes to the handler set by [WithErrorHandler].
func (p *Pool) TryGo(fn func(ctx context.Context) error) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if !p.closed {
		p.submitted.Add(1)
		select {
		case p.tasks <- task{fn: fn, report: true}:
			return true
		default:
			p.submitted.Add(^uint64(0))
		}
	}
	p.rejected.Add(1)
	return false
}

func (p *Pool) enqueue(ctx context.Context, t task) error {
	if err := ctx.Err(); err != nil {
		p.rejected.Add(1)
		return err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		p.rejected.Add(1)
		return ErrClosed
	}
	// Count before sending so that Submitted never trails Completed.
	p.submitted.Add(1)
	select {
	case p.tasks <- t:
		return nil
	case <-ctx.Done():
		p.submitted.Add(^uint64(0))
		p.rejected.Add(1)
		return ctx.Err()
	case <-p.quit:
		p.submitted.Add(^uint64(0))
		p.rejected.Add(1)
		return ErrClosed
	}
}

func (p *Pool) worker() {
	defer func() {
		if p.alive.Add(-1) == 0 {
			p.cancel() // release the context; nothing runs any more
			close(p.done)
		}
	}()
	for t := range p.tasks {
		p.run(t)
	}
}

func (p *Pool) run(t task) {
	if p.life.Err() != nil { // Shutdown gave up: do not start new work
		p.dropped.Add(1)
		err := fmt.Errorf("pool: task dropped at shutdown: %w", ErrClosed)
		if t.drop != nil {
			t.drop(err)
		}
		if t.report {
			p.report(err)
		}
		return
	}
	var ctx context.Context = p.life
	if t.parent != nil {
		ctx = shared.Detached{Values: context.WithoutCancel(t.parent), Life: p.life, Name: "pool.taskContext"}
	}
	p.running.Add(1)
	err := call(ctx, t.fn)
	p.running.Add(-1)
	p.completed.Add(1)
	if err == nil {
		return
	}
	p.failed.Add(1)
	if _, panicked := err.(*PanicError); panicked || t.report {
		p.report(err)
	}
}

// report gives err to the error handler, if any; a panic there is recovered.
func (p *Pool) report(err error) {
	if p.onError == nil {
		return
	}
	if shared.Callback("pool: error handler", func() { p.onError(err) }) != nil {
		p.cbPanics.Add(1)
	}
}

// call runs fn, turning a panic into a *PanicError.
func call(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = shared.NewPanicError("pool: task", v)
		}
	}()
	return fn(ctx)
}

// Shutdown stops the pool accepting work, lets the workers run every task
// already queued, and waits for them to exit. It returns nil once they have.
//
// If ctx ends first, Shutdown cancels the context of the running tasks, makes
// the workers drop queued tasks instead of starting them (their results and
// the error handler get an error wrapping [ErrClosed]), and returns a
// [*ShutdownError] with the number of tasks that had not finished. Workers
// still running a task exit when it returns, so tasks should honour their
// context.
//
// Shutdown may be called more than once; later calls wait again.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.once.Do(func() {
		close(p.quit) // wake submitters blocked on a full queue
		p.mu.Lock()
		p.closed = true
		close(p.tasks)
		p.mu.Unlock()
	})
	select {
	case <-p.done:
		return nil
	default:
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		// Nothing is submitted any more, so this count is exact at the
		// moment Shutdown gives up.
		n := p.submitted.Load() - p.completed.Load() - p.dropped.Load()
		p.cancel()
		return &ShutdownError{Unfinished: int(n), Err: ctx.Err()}
	}
}

// Stats returns the pool's counters. It is cheap: a few atomic loads.
func (p *Pool) Stats() Stats {
	return Stats{
		Workers:   p.size,
		Queued:    len(p.tasks),
		Running:   int(p.running.Load()),
		Submitted: p.submitted.Load(),
		Completed: p.completed.Load(),
		Failed:    p.failed.Load(),
		Rejected:  p.rejected.Load(),
		Dropped:   p.dropped.Load(),

		CallbackPanics: p.cbPanics.Load(),
	}
}
