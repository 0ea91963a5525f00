// Package store has helpers that block; go vet carries what they reach to package app as facts.
package store

import (
	"database/sql"
	"time"
)

// Count queries without a context.
func Count(db *sql.DB) int {
	var n int
	_ = db.QueryRow("SELECT count(*) FROM t").Scan(&n)
	return n
}

// Backoff sleeps.
func Backoff() { time.Sleep(time.Second) }

// Legacy calls a function that a rules file (testdata/vet/rules.json) names as blocking.
func Legacy() { Fetch() }

// Fetch is blocking by the rules file only.
func Fetch() {}
