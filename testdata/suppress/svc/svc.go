// Package svc registers handlers whose findings directives silence, in every form.
package svc

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"example.com/suppress/helper"
)

// Register registers the routes.
func Register(db *sql.DB) {
	http.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		helper.Slow()
		helper.Load(db)
		helper.Query(db)             //blockcheck:ignore syncdb the call silences what it reaches
		time.Sleep(time.Millisecond) // want `time.Sleep pauses`
		//blockcheck:ignore sleep on the line above
		time.Sleep(2 * time.Millisecond)
		time.Sleep(3 * time.Millisecond) //blockcheck:ignore nocancel,sleep // nolint-style reason
		detached(db)
		mixed(db)
		_ = context.Background() //blockcheck:ignore all every analyzer
	})
	http.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(4 * time.Millisecond) //blockcheck:ignore syncdb names another analyzer // want `time.Sleep pauses`
	})
}

// detached is silenced for every analyzer: the walk stops here.
//
//blockcheck:ignore all runs the nightly export, not a request
func detached(db *sql.DB) {
	time.Sleep(time.Second)
	_, _ = db.Exec("DELETE FROM t")
	func() { _ = db.Ping() }()
}

// mixed is silenced for sleep only.
//
//blockcheck:ignore sleep a deliberate backoff
func mixed(db *sql.DB) {
	time.Sleep(time.Second)
	_, _ = db.Exec("UPDATE t SET x = 1") // want `\(\*sql.DB\).Exec runs a database call`
}

// unused has a directive that silences nothing.
//
//blockcheck:ignore chanwait nothing here waits on a channel
func unused() {}

var _ = unused
