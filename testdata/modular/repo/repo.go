// Package repo declares the service's storage interface and picks its implementation: package web calls it only
// through the interface, and the implementations' types appear nowhere in repo's API, so the facts of their methods
// never reach web (a fact travels only with the objects of its package's export data). repo sees them: its facts
// on the interface's methods carry what an interface call reaches.
package repo

import (
	"database/sql"

	"example.com/modular/repo/memrepo"
	"example.com/modular/repo/sqlrepo"
)

// Repo is what handlers use.
type Repo interface {
	Find(id int) (string, error)
	Count() int
	Cached(id int) string
}

var current Repo = memrepo.New()

// Open switches to the database.
func Open(db *sql.DB) { current = sqlrepo.New(db) }

// Get returns the repository in use.
func Get() Repo { return current }
