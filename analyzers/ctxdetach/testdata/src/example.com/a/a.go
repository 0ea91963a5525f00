package a

import (
	"context"
	"database/sql"
	"net/http"
)

var db *sql.DB

func lookup(ctx context.Context) error {
	_, err := db.QueryContext(ctx, "select 1")
	return err
}

func detached(w http.ResponseWriter, r *http.Request) {
	_ = lookup(context.Background()) // want `^context.Background starts a context with no deadline`
	_ = lookup(r.Context())          // the request's context: not reported
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/detached", detached)
}
