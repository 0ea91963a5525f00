package ratelimit

import (
	"container/list"
	"hash/maphash"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

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

// shard is an LRU of buckets: front is most recently used.
type shard struct {
	mu    sync.Mutex
	items map[string]*list.Element // of *entry
	lru   list.List
	cap   int
}

type entry struct {
	key string
	lim *rate.Limiter
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
// token refuses everything.
func New(limit rate.Limit, burst int, opts ...Option) *Limiter {
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
		l.shards[i].items = make(map[string]*list.Element)
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
		n += len(s.items)
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
	if el, ok := s.items[key]; ok {
		s.lru.MoveToFront(el)
		return el.Value.(*entry).lim
	}
	if len(s.items) >= s.cap {
		// Reuse the evicted entry to spare an allocation under floods.
		el := s.lru.Back()
		e := el.Value.(*entry)
		delete(s.items, e.key)
		e.key = key
		e.lim = rate.NewLimiter(l.limit, l.burst)
		s.items[key] = el
		s.lru.MoveToFront(el)
		return e.lim
	}
	e := &entry{key: key, lim: rate.NewLimiter(l.limit, l.burst)}
	s.items[key] = s.lru.PushFront(e)
	return e.lim
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
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			http.Error(w, http.StatusText(http.StatusTooManyRequests), http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
