package tie

import "net/http"

func handler_k(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /k", handler_k) }
