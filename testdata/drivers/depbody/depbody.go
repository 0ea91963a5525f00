// Package depbody calls a real dependency whose body blocks: sqlx's package-level Get runs a query through an
// interface, and the query without a context is inside sqlx, so it is reported at the call in this package.
package depbody

import (
	"net/http"

	"github.com/jmoiron/sqlx"
)

type API struct{ db *sqlx.DB }

func (a *API) user(w http.ResponseWriter, r *http.Request) {
	var name string
	_ = sqlx.Get(a.db, &name, "select name from users where id = $1", r.PathValue("id")) // want `syncdb: this call reaches \(\*sql.DB\).Query in github.com/jmoiron/sqlx \(sqlx.go:\d+\).*reached from /users/\{id\} \(API.user\)`
	// The same dependency with the request's context: nothing waits without bound.
	_ = sqlx.GetContext(r.Context(), a.db, &name, "select name from users where id = $1", r.PathValue("id"))
}

func Routes(mux *http.ServeMux, db *sqlx.DB) {
	a := &API{db: db}
	mux.HandleFunc("/users/{id}", a.user)
}
