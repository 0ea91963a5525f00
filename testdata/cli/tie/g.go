package tie

import "net/http"

func handler_g(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /g", handler_g) }
