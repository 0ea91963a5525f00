// Package paths checks call paths: interfaces resolved to what the program creates, function values in fields
// and slices, defers, recursion, and operations inside dependencies.
package paths

import (
	"database/sql"
	"net/http"
	"time"

	"example.com/stdlib/paths/store"
	"example.com/thirdparty"
)

type Store interface {
	Load(id string) (string, error)
}

type server struct {
	st    Store
	hook  func()
	steps []func()
}

func (s *server) get(w http.ResponseWriter, r *http.Request) {
	_, _ = s.st.Load(r.PathValue("id"))
}

func (s *server) list(w http.ResponseWriter, r *http.Request) {
	_, _ = s.load("all")
}

func (s *server) load(id string) (string, error) { return s.st.Load(id) }

func (s *server) dep(w http.ResponseWriter, r *http.Request) {
	_ = thirdparty.Fetch("http://example.com") // want `nocancel: this call reaches http.Get in example.com/thirdparty \(thirdparty.go:15\)`
	thirdparty.Notify(make(chan string, 1), "x")
	_ = thirdparty.Connect("cache:6379") // want `nocancel: this call reaches net.Dial in example.com/thirdparty/transport \(transport.go:7\)`
}

func (s *server) deferred(w http.ResponseWriter, r *http.Request) {
	defer cleanup()
}

func cleanup() {
	time.Sleep(time.Millisecond) // want `sleep: time.Sleep .*reached from GET /deferred \(server.deferred\)`
}

func (s *server) hooked(w http.ResponseWriter, r *http.Request) {
	s.hook()
	for _, f := range s.steps {
		f()
	}
}

func flush() {
	time.Sleep(time.Millisecond) // want `reached from GET /hooked`
}

func audit() {
	time.Sleep(2 * time.Millisecond) // want `reached from GET /hooked`
}

// unusedHook has the hook's type but is never stored in one.
func unusedHook() {
	time.Sleep(time.Millisecond)
}

func (s *server) tree(w http.ResponseWriter, r *http.Request) {
	walk(3)
}

func walk(n int) {
	if n == 0 {
		time.Sleep(time.Millisecond) // want `reached from GET /tree`
		return
	}
	walk(n - 1)
}

// New wires the server the way main does.
func New(db *sql.DB) http.Handler {
	s := &server{st: store.NewSQL(db), hook: flush, steps: []func(){audit}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", s.get)
	mux.HandleFunc("GET /items", s.list)
	mux.HandleFunc("GET /dep", s.dep)
	mux.HandleFunc("GET /deferred", s.deferred)
	mux.HandleFunc("GET /hooked", s.hooked)
	mux.HandleFunc("GET /tree", s.tree)
	_ = unusedHook
	return mux
}
