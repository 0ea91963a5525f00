package tie

import "net/http"

func handler_b(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /b", handler_b) }
