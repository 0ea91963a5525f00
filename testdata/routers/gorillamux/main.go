// Command gorillamux is a service routed with github.com/gorilla/mux.
package main

import (
	"context"
	"database/sql"
	"net/http"
	"os/exec"
	"time"

	"github.com/gorilla/mux"

	"example.com/routers/store"
)

type server struct {
	db *sql.DB
	st store.Store
}

func home(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /home \(home\)`
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request) {
	s.db.Query("SELECT 1") // want `syncdb: \(\*sql.DB\).Query .*reached from GET /api/users/\{id\} \(server.getUser\)`
}

func (s *server) lookup(w http.ResponseWriter, r *http.Request) {
	s.st.Lookup(mux.Vars(r)["id"]) // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from POST,PUT /api/lookup/\{id\} \(server.lookup\)`
}

type exporter struct{}

func (exporter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	exec.Command("export").Run() // want `nocancel: \(\*exec.Cmd\).Run .*reached from DELETE /api/export \(exporter.ServeHTTP\)`
}

func authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		context.Background() // want `ctxdetach: context.Background .*reached from every route \(authenticate.func1\)`
		next.ServeHTTP(w, r)
	})
}

func apiOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // want `sleep: time.Sleep .*reached from every route under /api \(apiOnly.func1\)`
		next.ServeHTTP(w, r)
	})
}

// unused is middleware nobody installs.
func unused(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Second)
		next.ServeHTTP(w, r)
	})
}

func routes(s *server) *mux.Router {
	r := mux.NewRouter()
	r.Use(authenticate)
	r.HandleFunc("/home", home).Methods("GET")
	api := r.PathPrefix("/api").Subrouter()
	api.Use(apiOnly)
	api.HandleFunc("/users/{id}", s.getUser).Methods(http.MethodGet)
	api.HandleFunc("/lookup/{id}", s.lookup).Methods("POST", "PUT")
	api.Methods("DELETE").Path("/export").Handler(exporter{})
	api.Path("/report").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch := make(chan int)
		ch <- 1 // want `chanwait: channel send .*reached from /api/report \(routes.func1\)`
	})
	return r
}

func main() {
	db, _ := sql.Open("postgres", "")
	exec.Command("migrate").Run() // startup, not a request path
	_ = unused
	srv := &http.Server{Addr: ":8080", Handler: routes(&server{db: db, st: store.NewSQL(db)}), ReadTimeout: 10 * time.Second}
	srv.ListenAndServe()
}
