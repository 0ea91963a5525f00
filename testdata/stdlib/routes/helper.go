package routes

import (
	"net/http"
	"time"
)

// Handler is a service's own handler type, adapted to net/http by a registration helper, as echo and gin
// services often do.
type Handler func(w http.ResponseWriter, r *http.Request, u *User) error

func (h Handler) std() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r, &User{}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}
}

// Router registers Handlers under their patterns.
type Router struct{ mux *http.ServeMux }

// GET wraps the handler it is passed: each call pairs its pattern with its own handler.
func (rt *Router) GET(pattern string, h Handler) {
	rt.mux.HandleFunc(pattern, h.std())
}

func helperA(w http.ResponseWriter, r *http.Request, u *User) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /helper/a \(std.func1\); fix`
	return nil
}

func helperB(w http.ResponseWriter, r *http.Request, u *User) error { return nil }

func helperC(w http.ResponseWriter, r *http.Request, u *User) error {
	time.Sleep(2 * time.Millisecond) // want `time.Sleep .*; reached from GET /helper/c \(std.func1\); fix`
	return nil
}

// RegisterHelper registers three routes through the helper.
func RegisterHelper(mux *http.ServeMux) {
	rt := &Router{mux: mux}
	rt.GET("GET /helper/a", helperA)
	rt.GET("GET /helper/b", helperB)
	rt.GET("GET /helper/c", helperC)
}
