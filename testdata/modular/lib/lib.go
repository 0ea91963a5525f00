// Package lib sits between api and store: facts flow through it.
package lib

import (
	"database/sql"

	"example.com/modular/store"
)

// Profile reaches store.FetchUser.
func Profile(db *sql.DB, id int) error { return store.FetchUser(db, id) }

// Deep reaches store.Lookup, three calls from the query.
func Deep(db *sql.DB) error { return store.Lookup(db, 7) }

// Harmless reaches nothing.
func Harmless(id int) int { return id * 2 }
