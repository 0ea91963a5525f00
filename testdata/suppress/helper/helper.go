// Package helper has blocking helpers whose findings directives silence, here or at the calls in package svc,
// so that both engines (which report cross-package findings in different places) agree on an empty result here.
package helper

import (
	"database/sql"
	"time"
)

// Slow sleeps; the directive at the operation silences it in both engines.
func Slow() {
	time.Sleep(time.Second) //blockcheck:ignore sleep a fixed pause the caller budgets for
}

// Load is deliberately blocking: nothing reached inside or through it is reported for syncdb.
//
//blockcheck:ignore syncdb called once per process, behind a sync.Once
func Load(db *sql.DB) {
	_, _ = db.Query("SELECT 1")
	query(db)
}

// Query queries; the call in svc silences it.
func Query(db *sql.DB) {
	query(db)
}

func query(db *sql.DB) {
	_ = db.QueryRow("SELECT 2")
}
