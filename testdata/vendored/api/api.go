// Package api uses a vendored dependency.
package api

import (
	"net/http"

	"example.com/direct"
)

func wait(w http.ResponseWriter, r *http.Request) { direct.Wait() }

func get(w http.ResponseWriter, r *http.Request) {
	var g direct.Getter[string] = &direct.Box[string]{V: "x", URL: "http://127.0.0.1/"}
	w.Write([]byte(g.Get())) // want `nocancel: this call reaches http.Get in example.com/direct \(direct.go:22\)`
}

func value(w http.ResponseWriter, r *http.Request) {
	var g direct.Getter[int] = valuer[int]{&direct.Box[int]{V: 1}}
	_ = g.Get()
}

// valuer gets a box's value without the check: nothing waits.
type valuer[T any] struct{ b *direct.Box[T] }

func (v valuer[T]) Get() T { return v.b.Value() }

func fetch(w http.ResponseWriter, r *http.Request) {
	direct.Fetch([]string{"http://127.0.0.1/"}, func(s string) string { return s }) // want `nocancel: this call reaches http.Get in example.com/direct \(direct.go:37\)`
}

func ping(w http.ResponseWriter, r *http.Request) { direct.Ping("http://127.0.0.1/") } // want `nocancel: this call reaches http.Get in example.com/direct \(direct.go:46\)`

// through and paired reach a package parsed with bodies with values of its types made by a package read from
// export data (example.com/over): the types must be one. The call is reported once, for both routes.
func through(w http.ResponseWriter, r *http.Request) { direct.Through("http://127.0.0.1/") } // want `nocancel: this call reaches http.Get in example.com/direct/wire \(wire.go:12\)`

func paired(w http.ResponseWriter, r *http.Request) { direct.Paired("http://127.0.0.1/") }

// Routes registers the handlers.
func Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /wait", wait)
	mux.HandleFunc("GET /get", get)
	mux.HandleFunc("GET /fetch", fetch)
	mux.HandleFunc("GET /ping", ping)
	mux.HandleFunc("GET /value", value)
	mux.HandleFunc("GET /through", through)
	mux.HandleFunc("GET /paired", paired)
}
