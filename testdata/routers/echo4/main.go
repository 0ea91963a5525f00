// Command echo4 is a service routed with github.com/labstack/echo/v4.
package main

import (
	"context"
	"database/sql"
	"net/http"
	"os/exec"
	"path"
	"time"

	"github.com/labstack/echo/v4"

	"example.com/routers/store"
)

type server struct {
	db *sql.DB
	st store.Store
}

func hello(c echo.Context) error {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /hello \(hello\)`
	return c.String(http.StatusOK, "hello")
}

func (s *server) getUser(c echo.Context) error {
	return s.db.QueryRow("SELECT 1").Err() // want `syncdb: \(\*sql.DB\).QueryRow .*reached from GET /api/users/:id \(server.getUser\)`
}

func (s *server) lookup(c echo.Context) error {
	_, err := s.st.Lookup(c.Param("id")) // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from PATCH /api/admin/lookup/:id \(server.lookup\)`
	return err
}

// requestID is echo middleware on every route.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		context.TODO() // want `ctxdetach: context.TODO .*reached from every route \(requestID.func1\)`
		return next(c)
	}
}

// rewrite runs before routing (Pre).
func rewrite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		exec.Command("true").Run() // want `nocancel: \(\*exec.Cmd\).Run .*reached from every route \(rewrite.func1\)`
		return next(c)
	}
}

// adminOnly is middleware of the /api/admin group.
func adminOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		http.Get("http://auth.internal/") // want `nocancel: http.Get .*reached from every route under /api/admin \(adminOnly.func1\)`
		return next(c)
	}
}

// slowRoute is middleware given to one route.
func slowRoute(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		<-time.After(time.Second) // want `sleep: receive from time.After .*reached from POST /api/upload \(slowRoute.func1\)`
		return next(c)
	}
}

// uriAdmin is a prefix that routes join with path.Join, as listmonk does.
const uriAdmin = "/dashboard"

func (s *server) stats(c echo.Context) error {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /dashboard/stats \(server.stats\)`
	return nil
}

// notRegistered has a handler's shape and is registered nowhere.
func notRegistered(c echo.Context) error {
	time.Sleep(time.Second)
	return nil
}

func main() {
	db, _ := sql.Open("postgres", "")
	time.Sleep(time.Second) // startup, not a request path
	s := &server{db: db, st: store.NewSQL(db)}

	e := echo.New()
	e.Pre(rewrite)
	e.Use(requestID)
	e.GET("/hello", hello)
	api := e.Group("/api")
	api.GET("/users/:id", s.getUser)
	api.POST("/upload", func(c echo.Context) error {
		ch := make(chan error)
		return <-ch // want `chanwait: channel receive .*reached from POST /api/upload \(main.func1\)`
	}, slowRoute)
	admin := api.Group("/admin", adminOnly)
	admin.Add(http.MethodPatch, "/lookup/:id", s.lookup)
	e.GET(path.Join(uriAdmin, "stats"), s.stats)
	_ = notRegistered
	srv := &http.Server{Addr: ":8080", Handler: e, ReadHeaderTimeout: time.Second}
	srv.ListenAndServe()
}
