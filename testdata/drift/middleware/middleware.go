// Package middleware does work in a middleware's closure, before it hands the request on.
package middleware

import (
	"net/http"
	"time"
)

func throttle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // want `^time.Sleep pauses the request .*reached from GET /home`
		next.ServeHTTP(w, r)
	})
}

func home(w http.ResponseWriter, r *http.Request) {}

func Routes(mux *http.ServeMux) {
	mux.Handle("GET /home", throttle(http.HandlerFunc(home)))
}
