// Package sessions keeps sessions with real dependencies whose database calls carry no context: simplesessions'
// postgres store runs Exec and QueryRow without one, whatever its caller has. Where the user's call into the
// library cannot give those calls the request's context (the library has no context-taking form of it, or drops
// the request's context it is given), the database call is the library's own and is not reported; where the call
// could carry the request's context (sqlx.Select beside sqlx.SelectContext), it is.
package sessions

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/jmoiron/sqlx"
	"github.com/zerodha/simplesessions/stores/postgres/v3"
	"github.com/zerodha/simplesessions/v3"
)

type API struct {
	sm *simplesessions.Manager
	db *sqlx.DB
}

// whoami reads the session: Session.Get has no context-taking form, and the store's QueryRow beneath it is the
// library's.
func (a *API) whoami(w http.ResponseWriter, r *http.Request) {
	sess, err := a.sm.Acquire(r.Context(), r, w) // the request's context: the store's Exec beneath is the library's
	if err != nil {
		return
	}
	_, _ = sess.Get("user")
}

// login gives Acquire a root context where the request's could go: that is reported (ctxdetach). The Exec
// beneath (a new session, with EnableAutoCreate) is not: no context given to Acquire would reach it.
func (a *API) login(w http.ResponseWriter, r *http.Request) {
	_, _ = a.sm.Acquire(context.Background(), r, w) // want `ctxdetach: context.Background starts a context`
}

// logout calls a library function that takes no context but has a form that does (sqlx.Select beside
// sqlx.SelectContext): the database call inside is reported at the call.
func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	var ids []int
	_ = sqlx.Select(a.db, &ids, "select id from sessions where user_id = $1", r.FormValue("id")) // want `syncdb: this call reaches \(\*sql.DB\).Query in github.com/jmoiron/sqlx`
}

func Routes(mux *http.ServeMux, db *sql.DB) error {
	st, err := postgres.New(postgres.Opt{}, db)
	if err != nil {
		return err
	}
	sm := simplesessions.New(simplesessions.Options{EnableAutoCreate: true})
	sm.UseStore(st)
	a := &API{sm: sm, db: sqlx.NewDb(db, "postgres")}
	mux.HandleFunc("/whoami", a.whoami)
	mux.HandleFunc("/login", a.login)
	mux.HandleFunc("/logout", a.logout)
	return nil
}
