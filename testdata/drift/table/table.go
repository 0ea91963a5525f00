// Package table registers its handlers from a package-level route table.
package table

import (
	"net/http"
	"time"
)

func list(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `^time.Sleep pauses the request .*reached from GET /list \(list\)`
}

func show(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `^time.Sleep pauses the request .*reached from GET /show \(show\)`
}

var routes = []struct {
	pattern string
	h       http.HandlerFunc
}{
	{"GET /list", list},
	{"GET /show", show},
}

func Routes(mux *http.ServeMux) {
	for _, rt := range routes {
		mux.HandleFunc(rt.pattern, rt.h)
	}
}
