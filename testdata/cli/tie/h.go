package tie

import "net/http"

func handler_h(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /h", handler_h) }
