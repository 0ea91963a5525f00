package a

import (
	"database/sql"
	"net/http"
)

type store struct{ db *sql.DB }

func (s *store) get(w http.ResponseWriter, r *http.Request) {
	_, _ = s.db.Query("select 1")                     // want `^\(\*sql.DB\).Query runs a database call without a context`
	_, _ = s.db.QueryContext(r.Context(), "select 1") // with the request's context: not reported
}

// querier is how a repository keeps its handle swappable: a call through it is the *sql.DB's.
type querier interface {
	Exec(query string, args ...any) (sql.Result, error)
}

type repo struct{ q querier }

func (p *repo) del(w http.ResponseWriter, r *http.Request) {
	_, _ = p.q.Exec("delete from t") // want `^\(\*sql.DB\).Exec runs a database call without a context`
}

// noop implements querier; only it flows into memRepo, whose calls wait on nothing.
type noop struct{}

func (noop) Exec(string, ...any) (sql.Result, error) { return nil, nil }

type memRepo struct{ q querier }

func (m *memRepo) del(w http.ResponseWriter, r *http.Request) {
	_, _ = m.q.Exec("delete from t")
}

func Routes(mux *http.ServeMux, db *sql.DB) {
	s := &store{db: db}
	mux.HandleFunc("/get", s.get)
	p := &repo{q: db}
	mux.HandleFunc("/del", p.del)
	mem := &memRepo{q: noop{}}
	mux.HandleFunc("/mem", mem.del)
}
