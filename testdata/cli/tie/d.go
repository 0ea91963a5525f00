package tie

import "net/http"

func handler_d(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /d", handler_d) }
