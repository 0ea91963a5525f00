package sqlxdb

import (
	"net/http"

	"github.com/jmoiron/sqlx"
)

type User struct {
	ID   int    `db:"id"`
	Name string `db:"name"`
}

type API struct{ db *sqlx.DB }

func (a *API) user(w http.ResponseWriter, r *http.Request) {
	var u User
	_ = a.db.Get(&u, "select * from users where id = $1", r.PathValue("id")) // want `syncdb: \(\*sqlx.DB\).Get runs a database call without a context`
	var all []User
	_ = a.db.Select(&all, "select * from users")  // want `syncdb: \(\*sqlx.DB\).Select`
	rows, _ := a.db.Queryx("select * from users") // want `syncdb: \(\*sqlx.DB\).Queryx`
	_ = rows
	_, _ = a.db.NamedExec("update users set name = :name", &u) // want `syncdb: \(\*sqlx.DB\).NamedExec`
	tx := a.db.MustBegin()                                     // want `syncdb: \(\*sqlx.DB\).MustBegin`
	_ = tx.Get(&u, "select 1")                                 // want `syncdb: \(\*sqlx.Tx\).Get`
	_ = a.db.QueryRow("select 1")                              // want `syncdb: \(\*sql.DB\).QueryRow`

	ctx := r.Context()
	_ = a.db.GetContext(ctx, &u, "select * from users where id = $1", 1)
	_ = a.db.SelectContext(ctx, &all, "select * from users")
	tx2, _ := a.db.BeginTxx(ctx, nil)
	_ = tx2.GetContext(ctx, &u, "select 1")
}

func Routes(mux *http.ServeMux, db *sqlx.DB) {
	a := &API{db: db}
	_ = db.MustExec("create table if not exists users (id int, name text)") // start-up
	mux.HandleFunc("/users/{id}", a.user)
}
