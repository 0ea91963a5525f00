// Package memrepo implements repo.Repo in memory.
package memrepo

import "time"

// Repo keeps everything in memory.
type Repo struct{ names map[int]string }

// New returns an empty Repo.
func New() *Repo { return &Repo{names: map[int]string{}} }

// Find waits on nothing.
func (r *Repo) Find(id int) (string, error) { return r.names[id], nil }

// Count waits on nothing.
func (r *Repo) Count() int { return len(r.names) }

// Cached pauses, as a slow cache would.
func (r *Repo) Cached(id int) string {
	time.Sleep(time.Second)
	return r.names[id]
}
