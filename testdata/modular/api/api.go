// Package api registers handlers that reach the helpers of packages store and lib.
package api

import (
	"database/sql"
	"net/http"
	"os/exec"
	"time"

	"example.com/modular/lib"
	"example.com/modular/store"
)

// execCache is a third implementation of store.Cache, in this package.
type execCache struct{}

func (execCache) Get(key string) string {
	out, _ := exec.Command("cat", key).Output() // want `^\(\*exec.Cmd\).Output waits for a subprocess started by exec.Command.*; reached from GET /cached \(Register.func2\); fix: start it with exec.CommandContext`
	return string(out)
}

// Register registers the routes.
func Register(mux *http.ServeMux, db *sql.DB, c store.Cache) {
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		_ = store.FetchUser(db, 1) // want `^this call reaches \(\*sql.DB\).Query in example.com/modular/store \(store.go:15\), which runs a database call without a context.*; reached from GET /users/\{id\} \(Register.func1\) and 2 other routes; fix: `
		_ = store.FetchUser(db, 2) // the same operation: reported once
	})
	mux.HandleFunc("GET /cached", func(w http.ResponseWriter, r *http.Request) {
		_ = c.Get("k") // want `^this call reaches time.Sleep in example.com/modular/store \(store.go:48\)` `^this call reaches \(\*sql.DB\).QueryRow in example.com/modular/store \(store.go:58\)`
	})
	mux.HandleFunc("GET /profile", func(w http.ResponseWriter, r *http.Request) {
		_ = lib.Profile(db, 3) // the same query as /users/{id}, which has the shorter path
		_ = lib.Deep(db)       // want `^this call reaches \(\*sql.DB\).QueryRow in example.com/modular/store \(store.go:26\)`
		_ = lib.Harmless(3)
	})
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) {
		_ = store.FetchUserCtx(r.Context(), db, 4)
		var m store.Cache = &store.MemCache{}
		_ = m
	})
	mux.HandleFunc("GET /warm", func(w http.ResponseWriter, r *http.Request) {
		store.Warm(db)
		store.Refresh(db)
		store.Poll()
	})
	mux.HandleFunc("GET /sleep", func(w http.ResponseWriter, r *http.Request) {
		pause()
	})
	mux.HandleFunc("GET /quiet", func(w http.ResponseWriter, r *http.Request) {
		_ = store.Run() //blockcheck:ignore nocancel the subprocess is a fixed, fast health probe
		//blockcheck:ignore sleep deliberate: rate limits a retry
		time.Sleep(time.Millisecond)
	})
	mux.Handle("GET /typed", typed{db: db})
}

func pause() {
	time.Sleep(time.Second) // want `^time.Sleep pauses the request for a fixed time.*; reached from GET /sleep \(Register.func6\); fix: `
}

type typed struct{ db *sql.DB }

func (t typed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = store.Run() // want `^this call reaches \(\*exec.Cmd\).Run in example.com/modular/store \(store.go:\d+\), which waits for a subprocess.*reached from GET /typed \(typed.ServeHTTP\)`
}

// Main serves the routes without timeouts.
func Main(db *sql.DB) error {
	mux := http.NewServeMux()
	Register(mux, db, store.SlowCache{})
	return http.ListenAndServe(":8080", mux) // want `^http.ListenAndServe serves with a server that has no ReadHeaderTimeout`
}
