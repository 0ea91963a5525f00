// Package store has two implementations of the server's Store interface; only SQL is ever created.
package store

import (
	"database/sql"
	"time"
)

type SQL struct{ db *sql.DB }

func NewSQL(db *sql.DB) *SQL { return &SQL{db: db} }

func (s *SQL) Load(id string) (string, error) {
	var name string
	err := s.db.QueryRow("select name from items where id = $1", id).Scan(&name) // want `syncdb: \(\*sql.DB\).QueryRow .*reached from GET /items/\{id\} \(server.get\) and 1 other route`
	return name, err
}

// Cache implements the same interface but no code creates one: its sleep is unreachable.
type Cache struct{}

func (Cache) Load(id string) (string, error) {
	time.Sleep(time.Millisecond)
	return id, nil
}
