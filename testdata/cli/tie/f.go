package tie

import "net/http"

func handler_f(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /f", handler_f) }
