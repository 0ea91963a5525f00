package lockio

import (
	"context"
	"database/sql"
	"net/http"
	"sync"
	"time"
)

type cache struct {
	mu   sync.Mutex
	rw   sync.RWMutex
	db   *sql.DB
	data map[string]string
}

var (
	globalMu sync.Mutex
	hits     int
)

// load holds the shared lock across a query: every request queues behind it.
func (c *cache) load(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	row := c.db.QueryRowContext(r.Context(), "SELECT v FROM kv WHERE k = $1", r.URL.Path) // want `lockio: \(\*sql.DB\).QueryRowContext runs while c.mu is held`
	var v string
	_ = row.Scan(&v)
	c.data[r.URL.Path] = v
}

// fetch holds a read lock across a call that sleeps: through calls.
func (c *cache) fetch(w http.ResponseWriter, r *http.Request) {
	c.rw.RLock()
	v := c.data[r.URL.Path]
	c.slow(r.Context()) // want `lockio: call of \(\*lockio.cache\).slow reaches time.Sleep \(lockio.go:42\) while c.rw is held \(locked at lockio.go:35\)`
	c.rw.RUnlock()
	_, _ = w.Write([]byte(v))
}

func (c *cache) slow(ctx context.Context) { time.Sleep(10 * time.Millisecond) } // want `sleep: time.Sleep`

// copyOut releases the lock before the query: not reported.
func (c *cache) copyOut(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	v := c.data[r.URL.Path]
	c.mu.Unlock()
	_, _ = c.db.ExecContext(r.Context(), "UPDATE kv SET seen = true WHERE v = $1", v)
}

// counter's critical section is short, with a deferred unlock: not reported.
func counter(w http.ResponseWriter, r *http.Request) {
	globalMu.Lock()
	defer globalMu.Unlock()
	hits++
}

// tally blocks under a package-level lock.
func tally(w http.ResponseWriter, r *http.Request) {
	globalMu.Lock()
	hits++
	time.Sleep(time.Millisecond) // want `lockio: time.Sleep runs while globalMu is held` `sleep: time.Sleep`
	globalMu.Unlock()
}

// session is made per request: its lock is not shared.
type session struct {
	mu  sync.Mutex
	out []string
}

func (s *session) add(ctx context.Context, db *sql.DB, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = db.ExecContext(ctx, "INSERT INTO log VALUES ($1)", v)
	s.out = append(s.out, v)
}

func (c *cache) perRequest(w http.ResponseWriter, r *http.Request) {
	s := &session{}
	s.add(r.Context(), c.db, r.URL.Path)
	var local sync.Mutex
	local.Lock()
	_, _ = c.db.ExecContext(r.Context(), "SELECT 1")
	local.Unlock()
}

// early unlocks on one branch only: the query still runs under the lock on the other.
func (c *cache) early(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if v, ok := c.data[r.URL.Path]; ok {
		c.mu.Unlock()
		_, _ = w.Write([]byte(v))
		return
	}
	_, _ = c.db.ExecContext(r.Context(), "SELECT 2") // want `lockio: \(\*sql.DB\).ExecContext runs while c.mu is held`
	c.mu.Unlock()
}

// both unlocks before the call on every branch: not reported.
func (c *cache) both(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if len(c.data) > 10 {
		c.mu.Unlock()
	} else {
		c.mu.Unlock()
	}
	_, _ = c.db.ExecContext(r.Context(), "SELECT 3")
}

func Routes(mux *http.ServeMux, db *sql.DB) {
	c := &cache{db: db, data: map[string]string{}}
	mux.HandleFunc("/load", c.load)
	mux.HandleFunc("/fetch", c.fetch)
	mux.HandleFunc("/copy", c.copyOut)
	mux.HandleFunc("/count", counter)
	mux.HandleFunc("/tally", tally)
	mux.HandleFunc("/session", c.perRequest)
	mux.HandleFunc("/early", c.early)
	mux.HandleFunc("/both", c.both)
	// Start-up holds the lock across the query, but no request waits for it.
	c.mu.Lock()
	_, _ = db.ExecContext(context.Background(), "SELECT 4")
	c.mu.Unlock()
}

// provider sets itself up on first use under its own lock, as listmonk's OIDC auth does: once per process, so
// neither the lock held across discovery nor the detached context is per request.
type provider struct {
	sync.Mutex
	db       *sql.DB
	endpoint *string
	cfg      struct{ id string }
	checked  *string
}

func (p *provider) discover() error {
	var url string
	if err := p.db.QueryRowContext(context.Background(), "SELECT url FROM oidc").Scan(&url); err != nil {
		return err
	}
	p.cfg.id = "client"
	p.endpoint = &url
	return nil
}

func (p *provider) getEndpoint() (*string, error) {
	p.Lock()
	defer p.Unlock()
	if p.endpoint == nil {
		if err := p.discover(); err != nil {
			return nil, err
		}
	}
	return p.endpoint, nil
}

func (p *provider) getConfig() string {
	p.Lock()
	defer p.Unlock()
	if p.cfg.id == "" {
		_ = p.discover()
	}
	return p.cfg.id
}

func (p *provider) login(w http.ResponseWriter, r *http.Request) {
	_, _ = p.getEndpoint()
	_, _ = w.Write([]byte(p.getConfig()))
}

func (p *provider) check() {
	var ok string
	_ = p.db.QueryRowContext(context.Background(), "SELECT 1").Scan(&ok) // want `ctxdetach: context.Background`
	p.checked = &ok
}

// verify re-sets the field on every call, so its check runs per request: still reported.
func (p *provider) verify(w http.ResponseWriter, r *http.Request) {
	p.Lock()
	defer p.Unlock()
	p.checked = nil
	if p.checked == nil {
		p.check() // want `lockio: call of \(\*lockio.provider\).check reaches`
	}
}

// builder carries its first error, as a query builder does: a field of a per-call value, checked under no lock,
// is no once-only initialisation.
type builder struct {
	db  *sql.DB
	err error
}

func (q *builder) exec() {
	if q.err == nil {
		_, q.err = q.db.ExecContext(context.Background(), "UPDATE t SET n = n + 1") // want `ctxdetach: context.Background`
	}
}

func Routes2(mux *http.ServeMux, db *sql.DB) {
	mux.HandleFunc("/build", func(w http.ResponseWriter, r *http.Request) { (&builder{db: db}).exec() })
	p := &provider{db: db}
	mux.HandleFunc("/login", p.login)
	mux.HandleFunc("/verify", p.verify)
}
