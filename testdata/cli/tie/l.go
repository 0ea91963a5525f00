package tie

import "net/http"

func handler_l(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /l", handler_l) }
