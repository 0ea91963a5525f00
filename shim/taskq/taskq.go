package taskq

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/retry"
)

// Errors returned by a [Queue]. They are wrapped with details; test with
// errors.Is.
var (
	ErrFull        = errors.New("taskq: queue full")
	ErrClosed      = errors.New("taskq: closed")
	ErrStarted     = errors.New("taskq: already started")
	ErrUnknownTask = errors.New("taskq: unknown task name")
)

// A Handler runs one attempt of a task. Returning nil marks the task done; an
// error is retried with backoff unless attempts are used up or it is marked
// with retry.Permanent. ctx carries the values of the context given to
// Enqueue and is cancelled when a Shutdown gives up.
type Handler func(ctx context.Context, payload []byte) error

// State is where a task is in its life.
type State int

// The states of a task. A task waiting to be retried is StateQueued with
// Attempts > 0.
const (
	StateQueued State = iota + 1
	StateRunning
	StateDone
	StateFailed
)

// String returns the state's name in lower case.
func (s State) String() string {
	switch s {
	case StateQueued:
		return "queued"
	case StateRunning:
		return "running"
	case StateDone:
		return "done"
	case StateFailed:
		return "failed"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// TaskStatus describes a task, as returned by [Queue.Status].
type TaskStatus struct {
	ID       string
	Name     string
	State    State
	Attempts int   // attempts started so far
	Err      error // the last attempt's error; nil if none failed or the task is done
}

// Task is an accepted task that a [Queue.Shutdown] hands back because it
// could not finish it. Enqueue Name and Payload again (or persist them) to
// run it later.
type Task struct {
	ID       string
	Name     string
	Payload  []byte
	Attempts int   // attempts started so far
	Err      error // the last attempt's error, if any
	// Interrupted is set when the task was running when Shutdown gave up:
	// its handler may still complete, so running it again may repeat work.
	Interrupted bool
}

// PanicError is the error of an attempt whose handler panicked: its Value is
// the value passed to panic and its Stack the stack of the panicking
// goroutine. Unwrap returns the value if it is an error. It is the same type
// as pool.PanicError.
type PanicError = shared.PanicError

// Stats is a snapshot of a queue's counters, taken under its lock.
type Stats struct {
	Queued     int    // tasks ready to run
	Waiting    int    // tasks waiting for a retry
	Running    int    // tasks running now
	Enqueued   uint64 // tasks accepted, in total
	Done       uint64 // tasks that succeeded
	Failed     uint64 // tasks that failed for good
	Retries    uint64 // attempts scheduled after a failure
	Rejected   uint64 // Enqueue calls refused because the queue was full or closed
	HandedBack uint64 // tasks returned by Shutdown
	// CallbackPanics counts panics of the failure handler, recovered and
	// logged so that they cannot take the process down.
	CallbackPanics uint64
}

// An Option configures a [Queue].
type Option func(*Queue)

// WithWorkers sets the number of workers (default runtime.GOMAXPROCS(0));
// values below 1 mean 1.
func WithWorkers(n int) Option { return func(q *Queue) { q.workers = max(n, 1) } }

// WithQueueSize bounds the tasks waiting to run, retries included (default
// 1000); values below 1 mean 1. Enqueue on a full queue fails with [ErrFull].
// A retry is never refused, so a failure can briefly take the queue past its
// size by at most the number of workers.
func WithQueueSize(n int) Option { return func(q *Queue) { q.size = max(n, 1) } }

// WithMaxAttempts sets the attempts per task, the first included (default
// retry.DefaultAttempts); values below 1 mean 1.
func WithMaxAttempts(n int) Option { return func(q *Queue) { q.policy.Attempts = max(n, 1) } }

// WithBackoff sets the bounds of the wait before a retry: before retry n it is
// drawn from [0, min(max, base·2^(n-1))]. Zero values take retry's defaults.
func WithBackoff(base, max time.Duration) Option {
	return func(q *Queue) { q.policy.Base, q.policy.Max = base, max }
}

// WithJitter replaces the random draw of the retry wait: f gets the bound and
// returns the wait. Tests use it to make retries immediate or predictable.
func WithJitter(f func(bound time.Duration) time.Duration) Option {
	return func(q *Queue) { q.policy.Jitter = f }
}

// WithHistory sets how many finished tasks [Queue.Status] remembers (default
// 1000); older ones are forgotten first. Zero keeps none.
func WithHistory(n int) Option { return func(q *Queue) { q.history = max(n, 0) } }

// WithFailureHandler sets a function called with a task that failed for
// good: its attempts are used up or its error is permanent. Use it to log
// or to move the task to a dead-letter store. It runs on a worker, outside
// the queue's lock. A panic in f is recovered, logged with its stack and
// counted in Stats.CallbackPanics; the worker goes on.
func WithFailureHandler(f func(Task)) Option { return func(q *Queue) { q.onFailure = f } }

// Queue is a background task queue. Its methods are safe for concurrent use.
type Queue struct {
	workers   int
	size      int
	history   int
	policy    retry.Policy
	onFailure func(Task)
	prefix    string

	// life is the handlers' context; cancelled when Shutdown gives up.
	life   context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	wake     *sync.Cond // a task became ready, or the workers should exit
	handlers map[string]Handler
	started  bool
	closing  bool // Shutdown called: accept nothing more
	stopped  bool // Shutdown gave up: workers exit without taking more work
	seq      uint64
	ready    []*task          // FIFO of tasks ready to run
	live     map[string]*task // accepted, not finished and not handed back
	waiting  int
	running  int
	alive    int           // workers not yet exited
	exited   chan struct{} // closed when the last worker exits
	stats    Stats

	hist    []TaskStatus   // ring of finished statuses
	histPos int            // next slot to write in hist
	histIdx map[string]int // ID to slot in hist
}

type task struct {
	id, name string
	seq      uint64
	payload  []byte
	handler  Handler
	values   context.Context // the Enqueue context's values, without its cancellation
	state    State
	attempts int
	err      error
	timer    *time.Timer // set while waiting for a retry
	handed   bool        // handed back by Shutdown; its outcome is no longer ours
}

// New returns a queue configured by opts. Register handlers, then call
// [Queue.Start].
func New(opts ...Option) *Queue {
	q := &Queue{
		workers:  runtime.GOMAXPROCS(0),
		size:     1000,
		history:  1000,
		handlers: make(map[string]Handler),
		live:     make(map[string]*task),
		histIdx:  make(map[string]int),
		exited:   make(chan struct{}),
	}
	for _, o := range opts {
		o(q)
	}
	q.wake = sync.NewCond(&q.mu)
	q.life, q.cancel = context.WithCancel(context.Background())
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents this)
	q.prefix = hex.EncodeToString(b[:]) + "-"
	return q
}

// Register adds the handler for tasks named name. It fails after Start
// (wrapping [ErrStarted]), for a name already registered, an empty name or a
// nil handler.
func (q *Queue) Register(name string, h Handler) error {
	if name == "" || h == nil {
		return fmt.Errorf("taskq: register %q: empty name or nil handler", name)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started || q.closing {
		return fmt.Errorf("taskq: register %q: %w", name, ErrStarted)
	}
	if _, dup := q.handlers[name]; dup {
		return fmt.Errorf("taskq: register %q: name already registered", name)
	}
	q.handlers[name] = h
	return nil
}

// Start starts the workers. Tasks enqueued before Start wait for it. Start
// fails if called twice (wrapping [ErrStarted]) or after Shutdown
// ([ErrClosed]).
func (q *Queue) Start() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.closing:
		return fmt.Errorf("taskq: start: %w", ErrClosed)
	case q.started:
		return fmt.Errorf("taskq: start: %w", ErrStarted)
	}
	q.started = true
	q.alive = q.workers
	for range q.workers {
		go q.worker()
	}
	return nil
}

// Enqueue accepts a task for the handler registered as name and returns its
// ID. It never waits: a full queue fails at once with an error wrapping
// [ErrFull]. It also fails when ctx has ended, when no handler has that name
// ([ErrUnknownTask]) or once Shutdown has been called ([ErrClosed]).
//
// Enqueue copies payload. The handler's context carries ctx's values but not
// its cancellation: the task outlives the request that enqueued it.
func (q *Queue) Enqueue(ctx context.Context, name string, payload []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("taskq: enqueue %q: %w", name, err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing {
		q.stats.Rejected++
		return "", fmt.Errorf("taskq: enqueue %q: %w", name, ErrClosed)
	}
	h, ok := q.handlers[name]
	if !ok {
		return "", fmt.Errorf("taskq: enqueue %q: %w", name, ErrUnknownTask)
	}
	if len(q.ready)+q.waiting >= q.size {
		q.stats.Rejected++
		return "", fmt.Errorf("taskq: enqueue %q: %w (size %d)", name, ErrFull, q.size)
	}
	q.seq++
	t := &task{
		id:      q.prefix + strconv.FormatUint(q.seq, 10),
		name:    name,
		seq:     q.seq,
		payload: slices.Clone(payload),
		handler: h,
		values:  context.WithoutCancel(ctx),
		state:   StateQueued,
	}
	q.live[t.id] = t
	q.ready = append(q.ready, t)
	q.stats.Enqueued++
	q.wake.Signal()
	return t.id, nil
}

// Status returns the status of the task with the given ID. It reports false
// for an ID it never issued, for a finished task beyond the history kept (see
// [WithHistory]) and for a task handed back by Shutdown.
func (q *Queue) Status(id string) (TaskStatus, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if t, ok := q.live[id]; ok {
		return t.status(), true
	}
	if i, ok := q.histIdx[id]; ok {
		return q.hist[i], true
	}
	return TaskStatus{}, false
}

// Stats returns the queue's counters.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := q.stats
	s.Queued, s.Waiting, s.Running = len(q.ready), q.waiting, q.running
	return s
}

// Shutdown stops the queue accepting tasks, lets the workers finish the
// running tasks and everything queued, retries included, and returns nil,
// nil once all are done or failed for good.
//
// If ctx ends first, Shutdown stops the retry timers, cancels the handlers'
// context and returns every accepted task that is not done, in the order
// they were enqueued, with an error wrapping ctx's. The list includes tasks
// waiting for a retry and tasks whose handler was still running (marked
// Interrupted); nothing accepted is lost silently. Workers exit as soon as
// their running handler returns, so handlers should honour their context.
//
// Called before Start, Shutdown hands back every queued task at once. Later
// calls return nil, nil once the first has handed back or finished.
func (q *Queue) Shutdown(ctx context.Context) ([]Task, error) {
	q.mu.Lock()
	q.closing = true
	if !q.started { // no workers: nothing will run the queued tasks
		var out []Task
		if !q.stopped {
			out = q.handBack()
		}
		q.mu.Unlock()
		return out, nil
	}
	q.wake.Broadcast() // idle workers exit if nothing is left
	q.mu.Unlock()

	select {
	case <-q.exited:
		return nil, nil
	default:
	}
	select {
	case <-q.exited:
		return nil, nil
	case <-ctx.Done():
	}

	q.mu.Lock()
	out := q.handBack()
	q.mu.Unlock()
	q.cancel()
	if len(out) == 0 {
		return nil, nil
	}
	return out, fmt.Errorf("taskq: shutdown: %d tasks handed back: %w", len(out), ctx.Err())
}

// handBack stops the queue and returns every live task. Called with q.mu held.
func (q *Queue) handBack() []Task {
	q.stopped = true
	if len(q.live) == 0 {
		return nil
	}
	out := make([]Task, 0, len(q.live))
	tasks := make([]*task, 0, len(q.live))
	for _, t := range q.live {
		tasks = append(tasks, t)
	}
	slices.SortFunc(tasks, func(a, b *task) int { return cmp.Compare(a.seq, b.seq) })
	for _, t := range tasks {
		if t.timer != nil {
			t.timer.Stop()
			t.timer = nil
		}
		t.handed = true
		out = append(out, Task{
			ID:          t.id,
			Name:        t.name,
			Payload:     t.payload,
			Attempts:    t.attempts,
			Err:         t.err,
			Interrupted: t.state == StateRunning,
		})
	}
	clear(q.live)
	q.ready = nil
	q.waiting = 0
	q.stats.HandedBack += uint64(len(out))
	q.wake.Broadcast()
	return out
}

func (q *Queue) worker() {
	q.mu.Lock()
	defer func() {
		q.alive--
		if q.alive == 0 {
			q.cancel() // nothing runs any more; release the context
			close(q.exited)
		}
		q.mu.Unlock()
	}()
	for {
		for len(q.ready) == 0 && !q.stopped && !(q.closing && len(q.live) == 0) {
			q.wake.Wait()
		}
		if len(q.ready) == 0 || q.stopped {
			return
		}
		t := q.ready[0]
		q.ready[0] = nil
		q.ready = q.ready[1:]
		t.state = StateRunning
		t.attempts++
		q.running++
		q.mu.Unlock()

		err := q.call(t)

		q.mu.Lock()
		q.running--
		failed := q.finish(t, err)
		if failed != nil && q.onFailure != nil {
			q.mu.Unlock()
			perr := shared.Callback("taskq: failure handler", func() { q.onFailure(*failed) })
			q.mu.Lock()
			if perr != nil {
				q.stats.CallbackPanics++
			}
		}
	}
}

// call runs one attempt of t, turning a panic into a *PanicError.
func (q *Queue) call(t *task) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = shared.NewPanicError("taskq: handler", v)
		}
	}()
	return t.handler(shared.Detached{Values: t.values, Life: q.life, Name: "taskq.taskContext"}, t.payload)
}

// finish records the outcome of an attempt and returns the task if it failed
// for good. Called with q.mu held.
func (q *Queue) finish(t *task, err error) *Task {
	if t.handed { // Shutdown gave up on it and handed it back already
		return nil
	}
	t.err = err
	switch {
	case err == nil:
		t.state = StateDone
		q.stats.Done++
	case t.attempts >= q.attempts() || retry.IsPermanent(err):
		t.state = StateFailed
		q.stats.Failed++
	default:
		t.state = StateQueued
		q.waiting++
		q.stats.Retries++
		t.timer = time.AfterFunc(q.policy.Backoff(t.attempts), func() { q.requeue(t) })
		return nil
	}
	delete(q.live, t.id)
	q.remember(t.status())
	if q.closing && len(q.live) == 0 {
		q.wake.Broadcast() // drained: let idle workers exit
	}
	if t.state == StateFailed {
		return &Task{ID: t.id, Name: t.name, Payload: t.payload, Attempts: t.attempts, Err: err}
	}
	return nil
}

func (q *Queue) attempts() int {
	if q.policy.Attempts > 0 {
		return q.policy.Attempts
	}
	return retry.DefaultAttempts
}

// requeue moves t from its retry wait to the ready queue.
func (q *Queue) requeue(t *task) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if t.handed || t.timer == nil {
		return
	}
	t.timer = nil
	q.waiting--
	q.ready = append(q.ready, t)
	q.wake.Signal()
}

// remember adds a finished status to the history ring. Called with q.mu held.
func (q *Queue) remember(s TaskStatus) {
	if q.history == 0 {
		return
	}
	if len(q.hist) < q.history {
		q.histIdx[s.ID] = len(q.hist)
		q.hist = append(q.hist, s)
		return
	}
	delete(q.histIdx, q.hist[q.histPos].ID)
	q.hist[q.histPos] = s
	q.histIdx[s.ID] = q.histPos
	q.histPos = (q.histPos + 1) % q.history
}

func (t *task) status() TaskStatus {
	s := TaskStatus{ID: t.id, Name: t.name, State: t.state, Attempts: t.attempts, Err: t.err}
	if s.State == StateDone {
		s.Err = nil
	}
	return s
}
