// Package unresolved registers handlers the finder cannot trace to a function of its own: the route inventory
// must list them rather than leave them out.
package unresolved

import (
	"net/http"
	"time"
)

func slow(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second)
}

// Plugin registers a handler passed in from outside the module: nothing in the program says what it is.
func Plugin(mux *http.ServeMux, h http.Handler) {
	mux.Handle("GET /plugin", h)
}

func Main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /slow", slow)
	mux.Handle("/static/", http.FileServer(http.Dir("static")))
	Plugin(mux, nil)
	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: mux, ReadHeaderTimeout: time.Second}
	_ = srv.ListenAndServe()
}
