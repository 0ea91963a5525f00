// Package lazyinit holds once-only initialisation behind a bool flag, and look-alikes that run per request.
// It is apart from syncdb, whose findings all have a fix: the helpers here take no context to pass on.
package lazyinit

import (
	"database/sql"
	"net/http"
	"sync"
)

// The store is set up lazily behind a bool, as gatus's store.Get does: Get calls Initialize while initialized is
// false, and Initialize sets it. The schema queries run once per process, not per request.
type repo struct{ db *sql.DB }

var (
	store       *repo
	initialized bool
)

func Get() *repo {
	if !initialized {
		Initialize("")
	}
	return store
}

func Initialize(path string) {
	initialized = true
	db, err := sql.Open("sqlite", path)
	if err != nil {
		panic(err)
	}
	_, _ = db.Exec("create table if not exists t (id int)") // once per process: not reported
	store = &repo{db: db}
}

// warm returns early once the flag is set, and sets it two calls down from the branch.
var warmed bool

func warm(db *sql.DB) {
	if warmed {
		return
	}
	prime(db)
	_, _ = db.Exec("select 'warm'") // once per process: not reported
}

func prime(db *sql.DB) { markWarm() }

// migrated is compared with true before the work, which sets it.
var migrated bool

func migrate(db *sql.DB) {
	if migrated == true {
		return
	}
	migrated = true
	_, _ = db.Exec("alter table t add column n int") // once per process: not reported
}

func markWarm() { warmed = true }

// settings compares the flag with false, and keeps its state in a package variable's fields: no lock is needed to
// know a package variable is shared.
var settings struct {
	loaded bool
	db     *sql.DB
}

func loadSettings() {
	if settings.loaded == false {
		settings.loaded = true
		_, _ = settings.db.Exec("select * from settings") // once per process: not reported
	}
}

// A cache sets itself up under its own lock: a field of a shared object, set by the method the branch calls.
type cache struct {
	mu     sync.Mutex
	db     *sql.DB
	filled bool
}

func (c *cache) fill() {
	_, _ = c.db.Exec("select * from cache") // once per object: not reported
	c.filled = true
}

func (c *cache) get() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.filled {
		c.fill()
	}
}

// Look-alikes that run on every request.

// readOnly is a setting: the branch never sets it, so it runs whenever the flag is unset.
var readOnly bool

// audited is reset on every call before it is checked.
var audited bool

// seen is also checked on the set path.
var seen bool

func stale() bool { return store.db.Stats().OpenConnections > 0 }

// A job is made per request: its flag starts unset every time, whoever sets it.
type job struct {
	db   *sql.DB
	done bool
}

func (j *job) run() {
	if !j.done {
		j.done = true
		_, _ = j.db.Exec("insert into jobs values (1)") // want `syncdb: \(\*sql.DB\).Exec runs`
	}
}

// A conf is long-lived, but it fills its field with no lock: within one function that is the same shape as a
// value made per request (a request-scoped cache of the current user), so it stays reported. A lock, or
// sync.OnceValue, tells the two apart, and also ends the data race.
type conf struct {
	db      *sql.DB
	version *string
}

func (c *conf) serverVersion() string {
	if c.version == nil {
		var v string
		_ = c.db.QueryRow("select version()").Scan(&v) // want `syncdb: \(\*sql.DB\).QueryRow runs`
		c.version = &v
	}
	return *c.version
}

// table is reset to nil before it is checked: loaded on every call.
var table *string

func loadTable(db *sql.DB) {
	table = nil
	if table == nil {
		var v string
		_ = db.QueryRow("select v from kv").Scan(&v) // want `syncdb: \(\*sql.DB\).QueryRow runs`
		table = &v
	}
}

func lazyHandler(w http.ResponseWriter, r *http.Request) {
	_ = Get()
	warm(store.db)
	migrate(store.db)
	loadTable(store.db)
	loadSettings()
	if !readOnly {
		_, _ = store.db.Exec("update t set n = n + 1") // want `syncdb: \(\*sql.DB\).Exec runs`
	}
	audited = false
	if !audited {
		audited = true
		_, _ = store.db.Exec("insert into audit values (1)") // want `syncdb: \(\*sql.DB\).Exec runs`
	}
	if !seen || stale() {
		seen = true
		_, _ = store.db.Exec("select 'stale'") // want `syncdb: \(\*sql.DB\).Exec runs`
	}
	if initialized {
		_, _ = store.db.Exec("select 'set'") // want `syncdb: \(\*sql.DB\).Exec runs`
	}
	(&job{db: store.db}).run()
}

func LazyRoutes(mux *http.ServeMux, db *sql.DB) {
	c := &cache{db: db}
	cf := &conf{db: db}
	mux.HandleFunc("/lazy", lazyHandler)
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(cf.serverVersion())) })
	mux.HandleFunc("/cache", func(w http.ResponseWriter, r *http.Request) { c.get() })
}
