package tie

import "net/http"

func handler_i(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /i", handler_i) }
