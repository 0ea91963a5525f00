// Command custom is a service routed with a router of its own, described to blockcheck by
// testdata/rules/custom-router.json.
package main

import (
	"database/sql"
	"net/http"
	"time"

	"example.com/routers/custom/platform"
	"example.com/routers/custom/router"
)

type server struct{ db *sql.DB }

func hello(c *router.Context) error {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /hello \(hello\)`
	return nil
}

func (s *server) getUser(c *router.Context) error {
	return s.db.QueryRow("SELECT 1").Err() // want `syncdb: \(\*sql.DB\).QueryRow .*reached from GET /api/users \(server.getUser\)`
}

func trace(next router.HandlerFunc) router.HandlerFunc {
	return func(c *router.Context) error {
		http.Get("http://trace.internal/") // want `nocancel: http.Get .*reached from every route \(trace.func1\)`
		return next(c)
	}
}

func status(w http.ResponseWriter, r *http.Request) {
	<-time.After(time.Second) // want `sleep: receive from time.After .*reached from /debug/status \(status\)`
}

// notRegistered has a handler's shape and is registered nowhere.
func notRegistered(c *router.Context) error {
	time.Sleep(time.Second)
	return nil
}

func main() {
	db, _ := sql.Open("postgres", "")
	s := &server{db: db}
	r := router.New()
	r.Around(trace)
	r.On("GET", "/hello", hello)
	api := r.Sub("/api")
	api.On(http.MethodGet, "/users", s.getUser)
	platform.Expose("/debug/status", status)
	_ = notRegistered
	srv := &http.Server{Addr: ":8080", Handler: r, ReadHeaderTimeout: time.Second}
	srv.ListenAndServe()
}
