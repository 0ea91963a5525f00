// Package app registers handlers for the go vet test.
package app

import (
	"database/sql"
	"net/http"
	"time"

	"example.com/vettest/store"
)

// Register registers the routes.
func Register(db *sql.DB) {
	http.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		_ = store.Count(db)
	})
	http.HandleFunc("/sleep", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Second)
		store.Backoff() //blockcheck:ignore sleep the backoff is the point of this route
	})
	http.HandleFunc("/legacy", func(w http.ResponseWriter, r *http.Request) {
		store.Legacy()
	})
}
