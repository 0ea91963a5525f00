// Package ifacedb holds database calls made through an interface that a *sql.DB flows into. It is apart from
// syncdb, whose findings all have a fix: a call through an interface gets none, as the interface may lack the
// method the fix would call.
package ifacedb

import (
	"context"
	"database/sql"
	"net/http"
)

// execer is what ORMs keep instead of *sql.DB (jinzhu/gorm's SQLCommon): a call through it runs the method of
// whatever flows into it.
type execer interface {
	Exec(query string, args ...any) (sql.Result, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type store struct{ db execer }

func (s *store) del(w http.ResponseWriter, r *http.Request) {
	s.db.Exec("delete from t where id = $1", r.PathValue("id")) // want `syncdb: \(\*sql.DB\).Exec runs a database call without a context`
	s.db.ExecContext(r.Context(), "delete from u")
}

// fake implements execer and is the only one that flows into memStore: its Exec waits on nothing.
type fake struct{ n int }

func (f *fake) Exec(string, ...any) (sql.Result, error) { f.n++; return nil, nil }

func (f *fake) ExecContext(context.Context, string, ...any) (sql.Result, error) { return nil, nil }

type memStore struct{ db execer }

func (s *memStore) del(w http.ResponseWriter, r *http.Request) {
	s.db.Exec("delete from t where id = $1", r.PathValue("id"))
}

func IfaceRoutes(mux *http.ServeMux, db *sql.DB) {
	s := &store{db: db}
	m := &memStore{db: &fake{}}
	mux.HandleFunc("DELETE /t/{id}", s.del)
	mux.HandleFunc("DELETE /m/{id}", m.del)
}
