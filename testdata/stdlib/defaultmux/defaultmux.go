// Package defaultmux imports net/http/pprof but also puts its own handlers on the default mux: serving that mux
// serves the application, and a server without read timeouts there is reported.
package defaultmux

import (
	"net/http"
	_ "net/http/pprof"
)

func health(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }

func Serve(addr string) error {
	http.HandleFunc("/health", health)
	return http.ListenAndServe(addr, nil) // want `servertimeout: http.ListenAndServe serves with a server that has no ReadHeaderTimeout`
}
