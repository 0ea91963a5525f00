package bundb

import (
	"net/http"

	"github.com/uptrace/bun"
)

type API struct{ db *bun.DB }

func (a *API) report(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.db.Query("select 1") // want `syncdb: \(\*bun.DB\).Query runs a database call without a context`
	_ = rows
	_, _ = a.db.Exec("select 1") // want `syncdb: \(\*bun.DB\).Exec`
	tx, _ := a.db.Begin()        // want `syncdb: \(\*bun.DB\).Begin`
	_, _ = tx.Exec("select 1")   // want `syncdb: \(bun.Tx\).Exec`
	_ = tx.Rollback()

	ctx := r.Context()
	_, _ = a.db.ExecContext(ctx, "select 1")
	var n int
	_ = a.db.NewSelect().ColumnExpr("1").Scan(ctx, &n)
}

func Routes(mux *http.ServeMux, db *bun.DB) {
	a := &API{db: db}
	mux.HandleFunc("/report", a.report)
}
