// Package app registers handlers for the golangci-lint test.
package app

import (
	"database/sql"
	"net/http"
	"time"

	"example.com/golangcitest/dep"
)

// Register registers the routes.
func Register(db *sql.DB) {
	http.HandleFunc("/sleep", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Second)
	})
	http.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		_ = dep.Count(db)
	})
	http.HandleFunc("/nolint", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Second) //nolint:blockcheck // a fixed pause the client asked for
	})
	http.HandleFunc("/ignore", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(3 * time.Second) //blockcheck:ignore sleep a fixed pause the client asked for
	})
	http.HandleFunc("/spawn", func(w http.ResponseWriter, r *http.Request) {
		go func() { _ = dep.Count(db) }() // gospawn is disabled in .golangci.yml
	})
}
