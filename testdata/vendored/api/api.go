// Package api uses a vendored dependency.
package api

import (
	"net/http"

	"example.com/direct"
)

func wait(w http.ResponseWriter, r *http.Request) { direct.Wait() }

// Routes registers the handlers.
func Routes(mux *http.ServeMux) { mux.HandleFunc("GET /wait", wait) }
