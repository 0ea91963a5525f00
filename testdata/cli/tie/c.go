package tie

import "net/http"

func handler_c(w http.ResponseWriter, r *http.Request) { shared() }

func init() { mux.HandleFunc("GET /c", handler_c) }
