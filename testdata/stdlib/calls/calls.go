// Package calls checks the calls the engines follow although no package owns the function called: instances of
// generic functions and methods, method values (bound wrappers) passed around and called later, and value-receiver
// methods called through an interface holding a pointer (pointer wrappers).
package calls

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"time"
)

type CountIn struct{ Kind string }
type CountOut struct{ N int }

type Svc struct{ db *sql.DB }

// Count is served through the generic adapter handle.
func (s *Svc) Count(ctx context.Context, in CountIn) (CountOut, error) {
	var n int
	err := s.db.QueryRow("select count(*) from items where kind = $1", in.Kind).Scan(&n) // want `\(\*sql.DB\).QueryRow .*reached from GET /count`
	return CountOut{N: n}, err
}

// Ping is served through handle too, and blocks on nothing.
func (s *Svc) Ping(ctx context.Context, in struct{}) (string, error) { return "pong", nil }

// handle adapts a typed service method to a handler, as generic services do.
func handle[In, Out any](f func(context.Context, In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in In
		_ = json.NewDecoder(r.Body).Decode(&in)
		out, err := f(r.Context(), in)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(out)
	}
}

// first is a generic helper that blocks.
func first[T any](xs []T) T {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /first`
	return xs[0]
}

// unusedGeneric blocks but no handler instantiates it.
func unusedGeneric[T any](x T) T {
	time.Sleep(time.Millisecond)
	return x
}

// Cache is a generic type whose method blocks.
type Cache[K comparable, V any] struct{ m map[K]V }

func (c *Cache[K, V]) Get(k K) V {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /cache`
	return c.m[k]
}

type H struct{ c *Cache[string, int] }

func (h *H) first(w http.ResponseWriter, r *http.Request) { _ = first([]int{1}) }

func (h *H) cache(w http.ResponseWriter, r *http.Request) { _ = h.c.Get(r.URL.Path) }

// actionA and actionB are method values run by the helper run.
func (h *H) actionA(w http.ResponseWriter, r *http.Request) {
	_, _ = http.Get("http://a.example") // want `http.Get .*reached from GET /run`
}

func (h *H) actionB(w http.ResponseWriter, r *http.Request) {}

func run(f func(http.ResponseWriter, *http.Request), w http.ResponseWriter, r *http.Request) { f(w, r) }

func (h *H) runs(w http.ResponseWriter, r *http.Request) { run(h.actionA, w, r) }

// pick returns a method value that is called later.
func (h *H) pick(name string) func() {
	if name == "slow" {
		return h.slow
	}
	return h.fast
}

func (h *H) slow() {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /pick`
}

func (h *H) fast() {}

func (h *H) picked(w http.ResponseWriter, r *http.Request) {
	f := h.pick(r.URL.Query().Get("mode"))
	f()
}

// Store is an interface; memStore implements it with a value receiver and is stored as a pointer.
type Store interface{ Load(string) string }

type memStore struct{}

func (memStore) Load(k string) string {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /store`
	return k
}

type storeHandler struct{ st Store }

func (s *storeHandler) get(w http.ResponseWriter, r *http.Request) { _ = s.st.Load(r.URL.Path) }

// Register wires the routes.
func Register(mux *http.ServeMux, db *sql.DB) {
	s := &Svc{db: db}
	h := &H{c: &Cache[string, int]{m: map[string]int{}}}
	mux.HandleFunc("GET /count", handle(s.Count))
	mux.HandleFunc("GET /ping", handle(s.Ping))
	mux.HandleFunc("GET /first", h.first)
	mux.HandleFunc("GET /cache", h.cache)
	mux.HandleFunc("GET /run", h.runs)
	mux.HandleFunc("GET /pick", h.picked)
	sh := &storeHandler{st: &memStore{}}
	mux.HandleFunc("GET /store", sh.get)
	_ = unusedGeneric[int]
}
