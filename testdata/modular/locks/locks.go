// Package locks holds shared locks across waits in this package and in package store.
package locks

import (
	"database/sql"
	"net/http"
	"sync"
	"time"

	"example.com/modular/store"
)

type server struct {
	mu    sync.Mutex
	db    *sql.DB
	count int
}

func (s *server) users(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = store.FetchUserCtx(r.Context(), s.db, 1) // want `^call of store.FetchUserCtx reaches \(\*sql.DB\).QueryContext \(store.go:31\) while s.mu is held \(locked at locks.go:20\)`
}

func (s *server) sleepy(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.count++
	time.Sleep(time.Millisecond) // want `^time.Sleep runs while s.mu is held` `^time.Sleep pauses the request`
	s.mu.Unlock()
}

func (s *server) released(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.count++
	s.mu.Unlock()
	_ = store.FetchUserCtx(r.Context(), s.db, 2)
}

func (s *server) perRequest(w http.ResponseWriter, r *http.Request) {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	_ = store.FetchUserCtx(r.Context(), s.db, 3)
}

// Register registers the routes.
func Register(mux *http.ServeMux, db *sql.DB) {
	s := &server{db: db}
	mux.HandleFunc("/users", s.users)
	mux.HandleFunc("/sleepy", s.sleepy)
	mux.HandleFunc("/released", s.released)
	mux.HandleFunc("/local", s.perRequest)
}
