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

func Routes(mux *http.ServeMux, db *sql.DB) {
	s := &store{db: db}
	mux.HandleFunc("/get", s.get)
}
