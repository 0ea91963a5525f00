package syncdb

import (
	"database/sql"
	"net/http"
)

type repo struct{ db *sql.DB }

func (p *repo) user(w http.ResponseWriter, r *http.Request) {
	var name string
	_ = p.db.QueryRow("select name from users where id = $1", r.PathValue("id")).Scan(&name) // want `syncdb: \(\*sql.DB\).QueryRow runs a database call without a context`
	rows, _ := p.db.Query("select id from users")                                            // want `syncdb: \(\*sql.DB\).Query runs`
	defer rows.Close()
	_, _ = p.db.Exec("update users set seen = now()") // want `syncdb: \(\*sql.DB\).Exec`
	_ = p.db.Ping()                                   // want `syncdb: \(\*sql.DB\).Ping`
}

func (p *repo) tx(w http.ResponseWriter, r *http.Request) {
	tx, _ := p.db.Begin()               // want `syncdb: \(\*sql.DB\).Begin`
	_, _ = tx.Exec("delete from carts") // want `syncdb: \(\*sql.Tx\).Exec`
	st, _ := tx.Prepare("select 1")     // want `syncdb: \(\*sql.Tx\).Prepare`
	_, _ = st.Query()                   // want `syncdb: \(\*sql.Stmt\).Query`
	_ = tx.Commit()
}

func (p *repo) withContext(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var name string
	_ = p.db.QueryRowContext(ctx, "select name from users where id = $1", 1).Scan(&name)
	tx, _ := p.db.BeginTx(ctx, nil)
	_, _ = tx.ExecContext(ctx, "delete from carts")
	_ = tx.Rollback()
	_ = p.db.PingContext(ctx)
}

// migrate runs at start-up.
func (p *repo) migrate() {
	_, _ = p.db.Exec("create table if not exists users (id int)")
}

func Routes(mux *http.ServeMux, db *sql.DB) {
	p := &repo{db: db}
	p.migrate()
	mux.HandleFunc("GET /users/{id}", p.user)
	mux.HandleFunc("POST /tx", p.tx)
	mux.HandleFunc("GET /ok", p.withContext)
}
