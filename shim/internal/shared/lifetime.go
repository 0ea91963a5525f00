package shared

import (
	"context"
	"sync"
)

// Lifetime counts the goroutines that serve one request, so that a middleware
// holding a resource for the request (a shed slot) releases it only when the
// last of them ends, not when its own next.ServeHTTP returns. A middleware
// that runs the handler on a goroutine of its own and may return before it
// (deadline) calls Hold before starting that goroutine and the returned
// function when the goroutine ends.
type Lifetime struct {
	mu      sync.Mutex
	n       int
	onZero  func()
	stopped bool
}

type lifetimeKey struct{}

// WithLifetime returns a context carrying a Lifetime held once, by the caller,
// and the Lifetime. onZero runs once, when the caller's hold and every other
// hold have been released. A Lifetime already in ctx (an outer middleware's)
// is held until then too, so nested holders all wait for the last goroutine.
func WithLifetime(ctx context.Context, onZero func()) (context.Context, *Lifetime) {
	parent := Hold(ctx)
	lt := &Lifetime{n: 1, onZero: func() {
		if onZero != nil {
			onZero()
		}
		parent()
	}}
	return context.WithValue(ctx, lifetimeKey{}, lt), lt
}

// Hold adds a hold on the Lifetime in ctx, if any, and returns the function
// that releases it, to be called once (later calls do nothing).
func Hold(ctx context.Context) (release func()) {
	lt, _ := ctx.Value(lifetimeKey{}).(*Lifetime)
	if lt == nil {
		return func() {}
	}
	lt.mu.Lock()
	lt.n++
	lt.mu.Unlock()
	var once sync.Once
	return func() { once.Do(lt.Release) }
}

// Release drops one hold; the last runs onZero.
func (lt *Lifetime) Release() {
	lt.mu.Lock()
	lt.n--
	last := lt.n == 0 && !lt.stopped
	if last {
		lt.stopped = true
	}
	lt.mu.Unlock()
	if last && lt.onZero != nil {
		lt.onZero()
	}
}
