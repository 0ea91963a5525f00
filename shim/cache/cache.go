package cache

import (
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/blockcheck/blockcheck/shim/internal/shared"
)

// Defaults for [New].
const (
	DefaultTTL           = time.Minute
	DefaultMaxEntries    = 1024
	DefaultMaxEntryBytes = 1 << 20
)

// Values of the X-Cache response header.
const (
	Hit    = "HIT"    // served from the cache
	Miss   = "MISS"   // the next handler ran for this request
	Shared = "SHARED" // a copy of a concurrent identical request's response
)

// An Option configures a [Cache].
type Option func(*config)

type config struct {
	ttl           time.Duration
	maxEntries    int
	maxBytes      int64
	maxEntryBytes int64
	vary          []string
	ignoreCookies bool
	methods       []string
	statuses      []int
	now           func() time.Time
}

// WithTTL sets how long a response stays fresh. Zero or negative means
// [DefaultTTL].
func WithTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// WithMaxEntries bounds the number of stored responses. When neither it nor
// [WithMaxBytes] is set (or both are zero or negative), the bound is
// [DefaultMaxEntries]; when only the bytes are bounded, the count is not.
func WithMaxEntries(n int) Option { return func(c *config) { c.maxEntries = n } }

// WithMaxBytes bounds the total size of stored responses (bodies, header
// fields and keys); zero or negative means no bound on bytes.
func WithMaxBytes(n int64) Option { return func(c *config) { c.maxBytes = n } }

// WithMaxEntryBytes sets the largest body stored or shared; larger responses
// stream through uncached. Zero or negative means [DefaultMaxEntryBytes].
func WithMaxEntryBytes(n int64) Option { return func(c *config) { c.maxEntryBytes = n } }

// WithVaryHeaders adds request headers whose values are part of the key.
// Add any request header a handler reads to shape its response and that a
// client controls, such as X-Forwarded-Host: otherwise one client's value is
// served to everyone (see docs/shim/cache.md). Cookie keys entries by
// cookie, one per session.
func WithVaryHeaders(names ...string) Option {
	return func(c *config) { c.vary = append(c.vary, names...) }
}

// WithIgnoreCookies treats requests that carry a Cookie like any other. By
// default they bypass the cache (their responses are neither stored nor
// shared, and only explicitly public entries are served to them), since a
// response to a cookie is usually one user's. Use it only when no handler
// under the cache reads cookies.
func WithIgnoreCookies() Option { return func(c *config) { c.ignoreCookies = true } }

// WithMethods sets the request methods served from the cache (default GET
// and HEAD).
func WithMethods(methods ...string) Option {
	return func(c *config) { c.methods = append([]string(nil), methods...) }
}

// WithStatuses sets the response status codes stored (default 200).
func WithStatuses(codes ...int) Option {
	return func(c *config) { c.statuses = append([]int(nil), codes...) }
}

// WithClock replaces time.Now; tests inject a clock.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Stats is a snapshot of a cache's counters.
type Stats struct {
	Hits      uint64 // requests served from the cache
	Misses    uint64 // requests that ran the next handler as a leader or on fallback
	Shared    uint64 // requests served a concurrent leader's response
	Bypassed  uint64 // requests not eligible for caching
	Evictions uint64 // entries removed to respect the size bounds
	Entries   int    // entries stored now, expired ones included until evicted
	Bytes     int64  // size of the stored entries
}

// Cache stores HTTP responses. Create it with [New]; one Cache may wrap any
// number of handlers, which then share its entries and bounds. Its methods
// are safe for concurrent use.
type Cache struct {
	opts     config
	methods  map[string]bool
	statuses map[int]bool
	vary     []string        // canonical header names
	varySet  map[string]bool // the same, for lookups
	group    singleflight.Group

	mu      sync.Mutex
	entries *shared.LRU[string, *entry]
	bytes   int64

	hits, misses, shared, bypassed, evictions atomic.Uint64

	// joined, if set, is called by each request once it has joined a
	// flight; tests use it to release a leader only when all are waiting.
	joined func()
}

type entry struct {
	key     string
	status  int
	header  http.Header
	body    []byte
	stored  time.Time
	expires time.Time
	size    int64
	public  bool // Cache-Control public or s-maxage: fit for requests with cookies
}

// New returns a cache configured by options; with none, it keeps up to
// [DefaultMaxEntries] 200 responses to GET and HEAD for [DefaultTTL].
func New(options ...Option) *Cache {
	var opts config
	for _, o := range options {
		o(&opts)
	}
	if opts.ttl <= 0 {
		opts.ttl = DefaultTTL
	}
	opts.maxEntries, opts.maxBytes = max(opts.maxEntries, 0), max(opts.maxBytes, 0)
	if opts.maxEntries == 0 && opts.maxBytes == 0 {
		opts.maxEntries = DefaultMaxEntries
	}
	if opts.maxEntryBytes <= 0 {
		opts.maxEntryBytes = DefaultMaxEntryBytes
	}
	if opts.maxBytes > 0 {
		opts.maxEntryBytes = min(opts.maxEntryBytes, opts.maxBytes)
	}
	if opts.methods == nil {
		opts.methods = []string{http.MethodGet, http.MethodHead}
	}
	if opts.statuses == nil {
		opts.statuses = []int{http.StatusOK}
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	c := &Cache{
		opts:     opts,
		methods:  make(map[string]bool),
		statuses: make(map[int]bool),
		varySet:  make(map[string]bool),
		entries:  shared.NewLRU[string, *entry](min(opts.maxEntries, 1024)),
	}
	for _, m := range opts.methods {
		c.methods[m] = true
	}
	for _, s := range opts.statuses {
		c.statuses[s] = true
	}
	for _, h := range opts.vary {
		h = textproto.CanonicalMIMEHeaderKey(h)
		if !c.varySet[h] {
			c.varySet[h] = true
			c.vary = append(c.vary, h)
		}
	}
	return c
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	n, b := c.entries.Len(), c.bytes
	c.mu.Unlock()
	return Stats{
		Hits:      c.hits.Load(),
		Misses:    c.misses.Load(),
		Shared:    c.shared.Load(),
		Bypassed:  c.bypassed.Load(),
		Evictions: c.evictions.Load(),
		Entries:   n,
		Bytes:     b,
	}
}

// Middleware returns a handler that serves cached responses and otherwise
// calls next, storing what it writes when the response may be stored.
func (c *Cache) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.methods[r.Method] || (r.Header.Get("Authorization") != "" && !c.varySet["Authorization"]) {
			c.bypassed.Add(1)
			next.ServeHTTP(w, r)
			return
		}
		if _, ok := r.Header["Cookie"]; ok && !c.opts.ignoreCookies && !c.varySet["Cookie"] {
			c.serveCookie(w, r, c.key(r), next)
			return
		}
		c.serve(w, r, c.key(r), next)
	})
}

// serveCookie serves a request with cookies: from an explicitly public entry,
// or else from next, storing the response only if it is explicitly public.
// It joins no flight: a leader's response to other cookies, or to none, may
// not be this user's, nor this user's response theirs.
func (c *Cache) serveCookie(w http.ResponseWriter, r *http.Request, key string, next http.Handler) {
	if e := c.get(key); e != nil && e.public {
		c.hits.Add(1)
		c.write(w, r, e, Hit)
		return
	}
	c.bypassed.Add(1)
	c.record(w, r, key, next, true)
}

// maxFlights bounds how often a request joins a new flight after leaders
// whose requests were cancelled, before calling next itself.
const maxFlights = 3

func (c *Cache) serve(w http.ResponseWriter, r *http.Request, key string, next http.Handler) {
	for range maxFlights {
		if e := c.get(key); e != nil {
			c.hits.Add(1)
			c.write(w, r, e, Hit)
			return
		}
		f := &flight{elected: make(chan struct{}), outcome: make(chan outcome, 1)}
		ch := c.group.DoChan(key, f.run)
		if c.joined != nil {
			c.joined()
		}
		select {
		case <-f.elected:
			// This request leads: run next here, on the request's own
			// goroutine and with its own context.
			c.misses.Add(1)
			c.lead(w, r, key, next, f)
			return
		case res := <-ch:
			o := res.Val.(outcome)
			switch {
			case o.e != nil:
				c.shared.Add(1)
				c.write(w, r, o.e, Shared)
				return
			case !o.retry:
				// The leader's response may not be shared (private,
				// too big, ...): get our own.
				c.misses.Add(1)
				w.Header().Set("X-Cache", Miss)
				next.ServeHTTP(w, r)
				return
			}
			// The leader's request was cancelled: try again.
		case <-r.Context().Done():
			// Stop waiting. If this request was elected meanwhile, the
			// flight must still end: tell it to, so its followers retry.
			f.outcome <- outcome{retry: true}
			select {
			case <-f.elected:
				c.group.Forget(key)
			default:
			}
			http.Error(w, "cache: request ended while waiting for a concurrent identical request", http.StatusServiceUnavailable)
			return
		}
	}
	c.misses.Add(1)
	w.Header().Set("X-Cache", Miss)
	next.ServeHTTP(w, r)
}

// flight connects a singleflight call with the request that leads it.
type flight struct {
	elected chan struct{} // closed when this request's flight.run is the call
	outcome chan outcome  // the leader's result, sent exactly once
}

// outcome is what a leader gives its followers.
type outcome struct {
	e     *entry // the response to share; nil when it may not be shared
	retry bool   // the leader gave up; followers should try again
}

// run is the singleflight function. It runs on a goroutine of its own, so it
// does no work: it tells the leading request to lead and waits for it.
func (f *flight) run() (any, error) {
	close(f.elected)
	return <-f.outcome, nil
}

func (c *Cache) lead(w http.ResponseWriter, r *http.Request, key string, next http.Handler, f *flight) {
	var o outcome
	o.retry = true // if next panics, the followers try again
	defer func() {
		// Requests that arrive from now on must not join this finished
		// flight (singleflight forgets it only once run has returned, on
		// another goroutine): they find the stored entry or start afresh.
		c.group.Forget(key)
		f.outcome <- o
	}()

	o.e, o.retry = c.record(w, r, key, next, false)
}

// record runs next, passing its response through to w, and stores it when
// it may be. It returns the entry to share with followers, if any, and
// whether the response was possibly truncated (followers should try again).
// With onlyPublic, the response is stored only if it is explicitly public.
func (c *Cache) record(w http.ResponseWriter, r *http.Request, key string, next http.Handler, onlyPublic bool) (*entry, bool) {
	rec := &recorder{w: w, limit: c.opts.maxEntryBytes}
	next.ServeHTTP(rec, r)
	if !rec.wroteHeader {
		rec.WriteHeader(http.StatusOK) // what net/http would send
	}
	if rec.writeErr != nil || r.Context().Err() != nil {
		return nil, true // possibly truncated
	}
	if rec.overflow {
		return nil, false
	}
	now := c.opts.now()
	ttl, share, store, public := c.policy(rec.status, rec.header)
	if !share || (onlyPublic && !public) {
		return nil, false
	}
	e := &entry{
		key:    key,
		status: rec.status,
		header: rec.header,
		body:   rec.buf,
		stored: now,
		public: public,
	}
	if _, ok := e.header["Content-Length"]; !ok && r.Method != http.MethodHead && bodyAllowed(e.status) {
		e.header["Content-Length"] = []string{strconv.Itoa(len(e.body))}
	}
	e.size = int64(len(key) + len(e.body))
	for k, vs := range e.header {
		for _, v := range vs {
			e.size += int64(len(k) + len(v))
		}
	}
	if store {
		e.expires = now.Add(ttl)
		c.put(e)
	}
	return e, false
}

// policy decides from a response whether it may be shared with concurrent
// followers and stored, for how long, and whether it says it is public
// (Cache-Control public or s-maxage), which makes it fit for requests with
// cookies.
func (c *Cache) policy(status int, h http.Header) (ttl time.Duration, share, store, public bool) {
	if len(h.Values("Set-Cookie")) > 0 {
		return 0, false, false, false
	}
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			f = textproto.TrimString(f)
			if f == "*" || (f != "" && !c.varySet[textproto.CanonicalMIMEHeaderKey(f)]) {
				return 0, false, false, false // depends on a header not in the key
			}
		}
	}
	ttl, store = c.opts.ttl, c.statuses[status]
	for _, v := range h.Values("Cache-Control") {
		for _, d := range strings.Split(v, ",") {
			name, arg, _ := strings.Cut(textproto.TrimString(d), "=")
			switch strings.ToLower(name) {
			case "no-store", "private":
				return 0, false, false, false
			case "no-cache":
				store = false
			case "public":
				public = true
			case "max-age", "s-maxage":
				if strings.EqualFold(name, "s-maxage") {
					public = true
				}
				secs, err := strconv.ParseInt(strings.Trim(arg, `"`), 10, 64)
				if err != nil || secs <= 0 {
					store = false
				} else if d := time.Duration(secs) * time.Second; d < ttl {
					ttl = d
				}
			}
		}
	}
	return ttl, true, store, public
}

// key builds the cache key: method, host, path and query, and the values of
// the vary headers.
func (c *Cache) key(r *http.Request) string {
	var b strings.Builder
	b.Grow(len(r.Method) + len(r.Host) + len(r.URL.Path) + len(r.URL.RawQuery) + 4)
	b.WriteString(r.Method)
	b.WriteByte(' ')
	b.WriteString(r.Host)
	b.WriteString(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		b.WriteByte('?')
		b.WriteString(r.URL.RawQuery)
	}
	for _, h := range c.vary {
		b.WriteByte('\n')
		b.WriteString(h)
		b.WriteByte(':')
		for i, v := range r.Header.Values(h) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// get returns the fresh entry for key, or nil.
func (c *Cache) get(key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries.Get(key)
	if !ok {
		return nil
	}
	if !c.opts.now().Before(e.expires) {
		c.remove(key)
		return nil
	}
	return e
}

// put stores e and evicts the least recently used entries beyond the bounds.
func (c *Cache) put(e *entry) {
	if c.opts.maxBytes > 0 && e.size > c.opts.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(e.key)
	c.entries.Put(e.key, e)
	c.bytes += e.size
	for (c.opts.maxEntries > 0 && c.entries.Len() > c.opts.maxEntries) ||
		(c.opts.maxBytes > 0 && c.bytes > c.opts.maxBytes) {
		_, old, _ := c.entries.RemoveOldest()
		c.bytes -= old.size
		c.evictions.Add(1)
	}
}

// remove deletes the entry for key, if any. Called with c.mu held.
func (c *Cache) remove(key string) {
	if e, ok := c.entries.Remove(key); ok {
		c.bytes -= e.size
	}
}

// write sends a stored (xcache Hit) or shared response.
func (c *Cache) write(w http.ResponseWriter, r *http.Request, e *entry, xcache string) {
	h := w.Header()
	for k, vs := range e.header {
		// A copy: middleware outside may edit values in place, and the
		// entry is everyone's.
		h[k] = append([]string(nil), vs...)
	}
	h["X-Cache"] = []string{xcache}
	if xcache == Hit {
		h["Age"] = []string{strconv.FormatInt(int64(c.opts.now().Sub(e.stored)/time.Second), 10)}
	}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.body)
	}
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// recorder passes a leader's response through to its client and keeps a copy.
type recorder struct {
	w           http.ResponseWriter
	limit       int64
	wroteHeader bool
	status      int
	header      http.Header // snapshot taken when the header was written
	buf         []byte
	overflow    bool
	writeErr    error
}

func (r *recorder) Header() http.Header { return r.w.Header() }

func (r *recorder) WriteHeader(code int) {
	if r.wroteHeader {
		r.w.WriteHeader(code) // let net/http log the superfluous call
		return
	}
	if code >= 100 && code < 200 { // informational: not the response
		r.w.WriteHeader(code)
		return
	}
	r.wroteHeader = true
	r.status = code
	h := r.w.Header()
	r.header = h.Clone()
	h.Set("X-Cache", Miss)
	r.w.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	if !r.overflow {
		if int64(len(r.buf)+len(p)) > r.limit {
			r.overflow, r.buf = true, nil
		} else {
			r.buf = append(r.buf, p...)
		}
	}
	n, err := r.w.Write(p)
	if err != nil && r.writeErr == nil {
		r.writeErr = err
	}
	return n, err
}

// Flush sends buffered data to the client; a flush writes the header first.
func (r *recorder) Flush() {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(r.w).Flush()
}

// Unwrap gives http.ResponseController access to the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.w }
