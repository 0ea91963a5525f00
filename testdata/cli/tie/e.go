package tie

import "net/http"

func handler_e(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /e", handler_e) }
