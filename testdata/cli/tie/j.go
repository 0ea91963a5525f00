package tie

import "net/http"

func handler_j(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /j", handler_j) }
