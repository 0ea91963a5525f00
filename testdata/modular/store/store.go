// Package store holds helpers that block, called from the handlers of package api: the modular engine reports
// them in api, at the calls that lead here, from the facts this package exports.
package store

import (
	"context"
	"database/sql"
	"net/http"
	"os/exec"
	"time"
)

// FetchUser queries without a context.
func FetchUser(db *sql.DB, id int) error {
	rows, err := db.Query("SELECT name FROM users WHERE id = ?", id)
	if err != nil {
		return err
	}
	return rows.Close()
}

// Lookup reaches a query two calls down.
func Lookup(db *sql.DB, id int) error { return lookup(db, id) }

func lookup(db *sql.DB, id int) error {
	return db.QueryRow("SELECT 1 WHERE ? > 0", id).Err()
}

// FetchUserCtx is the look-alike that passes the context.
func FetchUserCtx(ctx context.Context, db *sql.DB, id int) error {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users WHERE id = ?", id)
	if err != nil {
		return err
	}
	return rows.Close()
}

// A Cache is implemented here twice over, once blocking, and in api once more.
type Cache interface {
	Get(key string) string
}

// SlowCache sleeps.
type SlowCache struct{}

// Get sleeps a second.
func (SlowCache) Get(key string) string {
	time.Sleep(time.Second)
	return key
}

// DBCache queries without a context.
type DBCache struct{ DB *sql.DB }

// Get queries.
func (c *DBCache) Get(key string) string {
	var v string
	_ = c.DB.QueryRow("SELECT v FROM cache WHERE k = ?", key).Scan(&v)
	return v
}

// MemCache does not block.
type MemCache struct{ M map[string]string }

// Get looks in a map.
func (c *MemCache) Get(key string) string { return c.M[key] }

// Warm is deliberately blocking: it runs once at startup.
//
//blockcheck:ignore syncdb warm-up runs once at startup, before the server listens
func Warm(db *sql.DB) {
	_, _ = db.Exec("SELECT 1")
	_ = FetchUser(db, 0)
}

// Refresh is silenced for sleep only: its query is still reported.
//
//blockcheck:ignore sleep the pause is a deliberate backoff
func Refresh(db *sql.DB) {
	time.Sleep(time.Millisecond)
	_ = FetchUser(db, 1)
}

// Poll sleeps, with a line directive at the operation.
func Poll() {
	time.Sleep(time.Millisecond) //blockcheck:ignore sleep bounded poll of a local sidecar
}

// Run starts a subprocess without a context.
func Run() error {
	return exec.Command("true").Run()
}

// Serve makes a server without timeouts: reported here, where it is made, though no handler reaches it.
func Serve(h http.Handler) error {
	srv := &http.Server{Addr: ":8081", Handler: h} // want `^\(\*http.Server\).ListenAndServe is a server with no ReadHeaderTimeout or ReadTimeout.*; fix: set ReadHeaderTimeout`
	return srv.ListenAndServe()
}

// ServeBounded is the look-alike with a read timeout.
func ServeBounded(h http.Handler) error {
	srv := &http.Server{Addr: ":8082", Handler: h, ReadHeaderTimeout: time.Second}
	return srv.ListenAndServe()
}
