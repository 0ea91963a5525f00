// Package api is in a module whose path has no dot, as commands and examples often are: it is the user's code, not
// the standard library.
package api

import (
	"net/http"
	"time"
)

func slow(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /slow \(slow\)`
}

func fast(w http.ResponseWriter, r *http.Request) {
	select {
	case <-time.After(time.Second):
	case <-r.Context().Done():
	}
}

// Routes registers the handlers.
func Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /slow", slow)
	mux.HandleFunc("GET /fast", fast)
}
