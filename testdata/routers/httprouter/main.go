// Command httprouter is a service routed with github.com/julienschmidt/httprouter.
package main

import (
	"database/sql"
	"net/http"
	"os/exec"
	"time"

	"github.com/julienschmidt/httprouter"

	"example.com/routers/store"
)

type server struct {
	db *sql.DB
	st store.Store
}

func index(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET / \(index\)`
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request, ps httprouter.Params) {
	s.db.QueryRow("SELECT 1", ps.ByName("id")) // want `syncdb: \(\*sql.DB\).QueryRow .*reached from GET /users/:id \(server.getUser\)`
}

func (s *server) lookup(w http.ResponseWriter, r *http.Request, ps httprouter.Params) {
	s.st.Lookup(ps.ByName("id")) // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from PUT /lookup/:id \(server.lookup\)`
}

func health(w http.ResponseWriter, r *http.Request) {
	exec.Command("check").Run() // want `nocancel: \(\*exec.Cmd\).Run .*reached from HEAD /health \(health\)`
}

type notFound struct{}

func (notFound) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Get("http://fallback.internal" + r.URL.Path) // want `nocancel: http.Get .*reached from handler notFound.ServeHTTP`
}

// recoverer wraps the whole router: it is on every request.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // want `sleep: time.Sleep .*reached from every route \(recoverer.func1\)`
		next.ServeHTTP(w, r)
	})
}

// notRegistered has a handler's shape and is registered nowhere.
func notRegistered(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	time.Sleep(time.Second)
}

func main() {
	db, _ := sql.Open("postgres", "")
	time.Sleep(time.Second) // startup, not a request path
	s := &server{db: db, st: store.NewSQL(db)}

	router := httprouter.New()
	router.GET("/", index)
	router.GET("/users/:id", s.getUser)
	router.Handle(http.MethodPut, "/lookup/:id", s.lookup)
	router.HandlerFunc("HEAD", "/health", health)
	router.POST("/jobs", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		ch := make(chan struct{})
		ch <- struct{}{} // want `chanwait: channel send .*reached from POST /jobs \(main.func1\)`
	})
	router.NotFound = notFound{}
	_ = notRegistered
	srv := &http.Server{Addr: ":8080", Handler: recoverer(router), ReadHeaderTimeout: time.Second}
	srv.ListenAndServe()
}
