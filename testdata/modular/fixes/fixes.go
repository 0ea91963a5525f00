// Package fixes has findings with suggested fixes: a context is in scope.
package fixes

import (
	"context"
	"database/sql"
	"net/http"
	"os/exec"
	"time"
)

// Register registers routes.
func Register(db *sql.DB) {
	http.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Second)           // want `^time.Sleep pauses`
		rows, err := db.Query("SELECT 1") // want `^\(\*sql.DB\).Query runs a database call`
		_, _ = rows, err
		_ = exec.Command("true").Run() // want `^\(\*exec.Cmd\).Run waits for a subprocess`
		load(r.Context(), db)
	})
}

func load(ctx context.Context, db *sql.DB) {
	_, _ = db.Exec("DELETE FROM t") // want `^\(\*sql.DB\).Exec runs a database call.*reached from /a`
}

// helper has no context in scope: reported, without a fix.
func helper(db *sql.DB) {
	_ = db.Ping() // want `^\(\*sql.DB\).Ping`
}

func init() {
	http.HandleFunc("/b", func(w http.ResponseWriter, _ *http.Request) { helper(nil) })
}
