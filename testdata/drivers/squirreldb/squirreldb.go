package squirreldb

import (
	"database/sql"
	"net/http"

	sq "github.com/Masterminds/squirrel"
)

type API struct{ db *sql.DB }

func (a *API) users(w http.ResponseWriter, r *http.Request) {
	q := sq.Select("id", "name").From("users").Where(sq.Eq{"id": r.PathValue("id")}).RunWith(a.db)
	rows, _ := q.Query() // want `syncdb: \(squirrel.SelectBuilder\).Query runs a database call without a context`
	_ = rows
	var name string
	_ = q.QueryRow().Scan(&name) // want `syncdb: \(squirrel.SelectBuilder\).QueryRow`
	_ = q.Scan(&name)            // want `syncdb: \(squirrel.SelectBuilder\).Scan`

	_, _ = sq.Insert("users").Columns("name").Values("ann").RunWith(a.db).Exec() // want `syncdb: \(squirrel.InsertBuilder\).Exec`
	_, _ = sq.Update("users").Set("name", "bob").RunWith(a.db).Exec()            // want `syncdb: \(squirrel.UpdateBuilder\).Exec`
	_, _ = sq.Delete("users").Where("id = ?", 1).RunWith(a.db).Exec()            // want `syncdb: \(squirrel.DeleteBuilder\).Exec`
	_, _ = sq.ExecWith(a.db, sq.Delete("sessions"))                              // want `syncdb: squirrel.ExecWith`

	// The Context forms are cancelled with the request; building SQL text runs nothing.
	ctx := r.Context()
	rows2, _ := q.QueryContext(ctx)
	_ = rows2
	_ = q.ScanContext(ctx, &name)
	_, _ = sq.Delete("users").Where("id = ?", 1).RunWith(a.db).ExecContext(ctx)
	_, _ = sq.ExecContextWith(ctx, a.db, sq.Delete("sessions"))
	text, args, _ := sq.Select("id").From("users").ToSql()
	_, _ = a.db.QueryContext(ctx, text, args...)
}

func Routes(mux *http.ServeMux, db *sql.DB) {
	a := &API{db: db}
	mux.HandleFunc("/users/{id}", a.users)
}
