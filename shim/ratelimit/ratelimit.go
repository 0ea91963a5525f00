package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

// KeyFunc returns the key whose bucket a request draws from.
type KeyFunc func(*http.Request) string

// DefaultMaxKeys is the default bound on the number of per-key buckets.
const DefaultMaxKeys = 10_000

// maxShards bounds how many independently locked parts the buckets are split in.
const maxShards = 16

// Limiter is a rate limiter, global or per key. It is safe for concurrent use.
type Limiter struct {
	limit   rate.Limit
	burst   int
	key     KeyFunc
	maxKeys int
	obs     monitor.Observer
	now     func() time.Time

	global *rate.Limiter // used when key is nil
	seed   maphash.Seed
	shards []shard
}

// shard is an LRU of buckets.
type shard struct {
	mu  sync.Mutex
	lru *shared.LRU[string, *rate.Limiter]
	cap int
}

// Option configures a [Limiter].
type Option func(*Limiter)

// WithKey gives each key its own bucket.
func WithKey(key KeyFunc) Option { return func(l *Limiter) { l.key = key } }

// WithMaxKeys bounds the number of per-key buckets kept (at least 1); the least
// recently used are dropped first. The default is [DefaultMaxKeys].
func WithMaxKeys(n int) Option { return func(l *Limiter) { l.maxKeys = max(n, 1) } }

// WithObserver reports rate-limited requests to obs.
func WithObserver(obs monitor.Observer) Option { return func(l *Limiter) { l.obs = obs } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(l *Limiter) { l.now = now } }

// New returns a Limiter that allows limit events per second with bursts of up
// to burst, per key if [WithKey] is given and for all requests together
// otherwise. A burst below 1 is raised to 1, since a bucket that holds no
// token refuses everything; a negative or NaN limit is 0 (the burst, then
// nothing). Use [rate.Inf] for no limit.
func New(limit rate.Limit, burst int, opts ...Option) *Limiter {
	if !(limit >= 0) { // negative or NaN: nothing is allowed beyond the burst
		limit = 0
	}
	l := &Limiter{
		limit:   limit,
		burst:   max(burst, 1),
		maxKeys: DefaultMaxKeys,
		now:     time.Now,
		seed:    maphash.MakeSeed(),
	}
	for _, o := range opts {
		o(l)
	}
	if l.key == nil {
		l.global = rate.NewLimiter(l.limit, l.burst)
		return l
	}
	n := min(maxShards, l.maxKeys)
	l.shards = make([]shard, n)
	for i := range l.shards {
		// Rounding down keeps the total at or under maxKeys.
		l.shards[i].cap = l.maxKeys / n
		l.shards[i].lru = shared.NewLRU[string, *rate.Limiter](0)
	}
	return l
}

// Len returns the number of per-key buckets held, never more than the bound
// set by [WithMaxKeys].
func (l *Limiter) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += s.lru.Len()
		s.mu.Unlock()
	}
	return n
}

func (l *Limiter) bucket(key string) *rate.Limiter {
	if l.global != nil {
		return l.global
	}
	s := &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	if lim, ok := s.lru.Get(key); ok {
		return lim
	}
	if s.lru.Len() >= s.cap {
		s.lru.RemoveOldest()
	}
	lim := rate.NewLimiter(l.limit, l.burst)
	s.lru.Put(key, lim)
	return lim
}

// Allow takes a token from key's bucket (the global bucket if the Limiter has
// no key function). If none is available it takes nothing and reports how long
// until one is.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	lim := l.bucket(key)
	now := l.now()
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return false, 0
	}
	d := r.DelayFrom(now)
	if d == 0 {
		return true, 0
	}
	// Give the token back: a refused request must not use up the future.
	r.CancelAt(now)
	return false, d
}

// ErrLimited is returned by [Limiter.Wait] when the wait for a token would
// outlast the context's deadline, or when no token will ever come (a limit
// of zero with the burst spent).
var ErrLimited = errors.New("ratelimit: rate limit exceeded")

// Wait takes a token from key's bucket, waiting for one if need be, for
// callers that would rather wait a bounded time than be refused, such as a
// client pacing its calls to a partner's API. It returns at once, with an
// error wrapping [ErrLimited], if ctx's deadline comes before the token
// would, and with an error wrapping ctx's cause if ctx ends while it waits;
// either way the token is given back.
func (l *Limiter) Wait(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ratelimit: wait: %w", context.Cause(ctx))
	}
	lim := l.bucket(key)
	now := l.now()
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("ratelimit: wait: %w", ErrLimited)
	}
	d := r.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && dl.Sub(now) < d {
		r.CancelAt(now)
		return fmt.Errorf("ratelimit: wait of %v outlasts the deadline: %w", d, ErrLimited)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.CancelAt(l.now())
		return fmt.Errorf("ratelimit: wait: %w", context.Cause(ctx))
	}
}

// Middleware returns a handler that calls next while the request's bucket has
// tokens, and otherwise answers 429 Too Many Requests with Retry-After.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var key string
		if l.key != nil {
			key = l.key(r)
		}
		if ok, wait := l.Allow(key); !ok {
			if l.obs != nil {
				l.obs.Limited(r.Pattern)
			}
			w.Header().Set("Retry-After", shared.RetryAfter(wait))
			http.Error(w, http.StatusText(http.StatusTooManyRequests), http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
