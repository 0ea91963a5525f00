// Package web calls the storage only through repo.Repo, whose implementations are in packages web does not import.
package web

import (
	"net/http"

	"example.com/modular/repo"
)

// Register registers the routes.
func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = repo.Get().Find(1) // want `^this call reaches \(\*sql.DB\).QueryRow in example.com/modular/repo/sqlrepo \(sqlrepo.go:15\)`
		_ = repo.Get().Count()    // no implementation waits
		_ = repo.Get().Cached(2)  // want `^this call reaches time.Sleep in example.com/modular/repo/memrepo \(memrepo.go:20\)`
	})
}
