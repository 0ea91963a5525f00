// Package store is the data layer the router examples share: handlers reach its blocking calls through the Store
// interface. Only SQL is ever created, so only its query is on a request path; Cache's sleep must stay silent.
package store

import (
	"database/sql"
	"time"
)

// Store looks users up.
type Store interface {
	Lookup(id string) (string, error)
}

// SQL is the store the services create.
type SQL struct{ DB *sql.DB }

// NewSQL returns a store over db.
func NewSQL(db *sql.DB) Store { return &SQL{DB: db} }

// Lookup queries without a context.
func (s *SQL) Lookup(id string) (string, error) {
	rows, err := s.DB.Query("SELECT name FROM users WHERE id = $1", id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	return id, nil
}

// Cache is a second implementation that no service creates.
type Cache struct{}

// Lookup sleeps, but no request reaches it.
func (Cache) Lookup(id string) (string, error) {
	time.Sleep(time.Second)
	return id, nil
}
