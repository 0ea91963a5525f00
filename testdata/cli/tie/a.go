package tie

import "net/http"

func handler_a(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /a", handler_a) }
