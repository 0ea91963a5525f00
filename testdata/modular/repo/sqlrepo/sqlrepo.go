// Package sqlrepo implements repo.Repo on a database.
package sqlrepo

import "database/sql"

// Repo queries the database.
type Repo struct{ db *sql.DB }

// New returns a Repo on db.
func New(db *sql.DB) *Repo { return &Repo{db: db} }

// Find queries without a context.
func (r *Repo) Find(id int) (string, error) {
	var name string
	err := r.db.QueryRow("SELECT name FROM users WHERE id = ?", id).Scan(&name)
	return name, err
}

// Count waits on nothing.
func (r *Repo) Count() int { return 1 }

// Cached waits on nothing here.
func (r *Repo) Cached(id int) string { return "" }
