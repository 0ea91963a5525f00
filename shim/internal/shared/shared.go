// Package shared holds what several shim packages need alike: the error of a
// panicking task, the detached context tasks run with, a size-bounded LRU,
// Retry-After values, safe calls of user callbacks, response bodies that say
// when they are done, and the lifetime that lets
// an outer middleware hold a resource until an inner one's goroutine ends.
package shared

import (
	"context"
	"fmt"
	"log"
	"math"
	"runtime/debug"
	"strconv"
	"time"
)

// PanicError is the error of a task or handler that panicked.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the stack of the panicking goroutine
	what  string // who panicked, as in "pool: task"
}

// NewPanicError records v and the current goroutine's stack; call it in the
// deferred function that recovered v. what names the panicking code, as in
// "pool: task".
func NewPanicError(what string, v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack(), what: what}
}

// Error returns the panic value followed by the stack.
func (e *PanicError) Error() string {
	if e.what == "" {
		return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
	}
	return fmt.Sprintf("%s panicked: %v\n\n%s", e.what, e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, so that errors.Is sees,
// for example, http.ErrAbortHandler.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Callback calls f and turns a panic into a *PanicError, so that a user's
// callback (an error or failure handler) cannot take its caller down, nor
// leave the caller's locks in a state its deferred functions do not expect.
// The panic is logged with its stack, since a callback has nobody to return
// an error to.
func Callback(what string, f func()) (perr *PanicError) {
	defer func() {
		if v := recover(); v != nil {
			perr = NewPanicError(what, v)
			log.Print(perr.Error())
		}
	}()
	f()
	return nil
}

// Detached is a task's context: the values of the submitter's context with
// the lifetime of the pool or queue that runs it. Values should be
// context.WithoutCancel(parent), so that context.Cause does not find the
// parent's cancellation.
type Detached struct {
	Values context.Context
	Life   context.Context
	Name   string // for String, as in "pool.taskContext"
}

// Deadline returns the lifetime's deadline.
func (c Detached) Deadline() (time.Time, bool) { return c.Life.Deadline() }

// Done returns the lifetime's channel.
func (c Detached) Done() <-chan struct{} { return c.Life.Done() }

// Err returns the lifetime's error.
func (c Detached) Err() error { return c.Life.Err() }

// Value returns the submitter's value for key.
func (c Detached) Value(key any) any { return c.Values.Value(key) }

// AfterFunc lets context.WithCancel and friends derive from a detached
// context without starting a goroutine to watch it.
func (c Detached) AfterFunc(f func()) (stop func() bool) { return context.AfterFunc(c.Life, f) }

// String names the context for debugging.
func (c Detached) String() string { return c.Name }

// RetryAfter turns a wait into a Retry-After value: whole seconds, rounded
// up, at least 1. Any duration is safe, negative and math.MaxInt64 included.
func RetryAfter(d time.Duration) string {
	secs := math.Ceil(d.Seconds())
	switch {
	case secs < 1 || math.IsNaN(secs):
		secs = 1
	case secs > math.MaxInt32: // far beyond any useful advice; keeps the header short
		secs = math.MaxInt32
	}
	return strconv.FormatInt(int64(secs), 10)
}
