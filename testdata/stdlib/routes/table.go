package routes

import (
	"net/http"
	"time"
)

// A route table whose rows are wrapped per registration: each closure captures its own row's handler.
func (a *API) tabA(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /tab/a \(withUser.func1\); fix`
}

func (a *API) tabB(w http.ResponseWriter, r *http.Request, u *User) { _ = u }

func (a *API) tabC(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(2 * time.Millisecond) // want `time.Sleep .*; reached from /tab/c \(withUser.func1\); fix`
}

// RegisterTable wraps each row's handler.
func RegisterTable(mux *http.ServeMux) {
	a := &API{}
	table := []struct {
		pattern string
		h       func(http.ResponseWriter, *http.Request, *User)
	}{
		{"/tab/a", a.tabA},
		{"/tab/b", a.tabB},
		{"/tab/c", a.tabC},
	}
	for _, row := range table {
		mux.HandleFunc(row.pattern, withUser(row.h))
	}
}

// Route tables kept in maps: a package variable, a local, and a literal in the loop.
var global = map[string]http.HandlerFunc{
	"/map/global": mapGlobal,
	"/map/quiet":  mapQuiet,
}

func mapGlobal(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /map/global \(mapGlobal\); fix`
}

func mapQuiet(w http.ResponseWriter, r *http.Request) {}

func mapLocal(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /map/local \(mapLocal\); fix`
}

func mapLiteral(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /map/literal \(mapLiteral\); fix`
}

// RegisterMaps registers the map tables.
func RegisterMaps(mux *http.ServeMux) {
	for p, h := range global {
		mux.HandleFunc(p, h)
	}
	local := map[string]http.HandlerFunc{"/map/local": mapLocal}
	for p, h := range local {
		mux.Handle(p, h)
	}
	for p, h := range map[string]func(http.ResponseWriter, *http.Request){"/map/literal": mapLiteral} {
		mux.HandleFunc(p, h)
	}
}
