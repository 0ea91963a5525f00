// Command gin is a service routed with github.com/gin-gonic/gin.
package main

import (
	"database/sql"
	"net/http"
	"os/exec"
	"time"

	"github.com/gin-gonic/gin"

	"example.com/routers/store"
)

type server struct {
	db    *sql.DB
	st    store.Store
	ready chan struct{}
}

func ping(c *gin.Context) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /ping \(ping\)`
	c.String(http.StatusOK, "pong")
}

func (s *server) getUser(c *gin.Context) {
	s.db.QueryRow("SELECT 1") // want `syncdb: \(\*sql.DB\).QueryRow .*reached from GET /v1/users/:id \(server.getUser\)`
}

func (s *server) lookup(c *gin.Context) {
	s.st.Lookup(c.Param("id")) // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from PUT /v1/admin/lookup/:id \(server.lookup\)`
}

// detached passes the *gin.Context itself as a context.Context: its Done never fires.
func (s *server) detached(c *gin.Context) {
	s.db.QueryRowContext(c, "SELECT 1") // want `ctxdetach: \*gin.Context passed as a context.Context .*reached from POST /v1/detached .*fix: set ContextWithFallback = true on the gin engine.*or pass c.Request.Context\(\)`
}

// waitReady selects on the *gin.Context's Done, which never fires.
func (s *server) waitReady(c *gin.Context) {
	select { // want `chanwait: select .*reached from GET /v1/ready`
	case <-c.Done():
	case <-s.ready:
	}
}

// attached uses the request's context.
func (s *server) attached(c *gin.Context) {
	s.db.QueryRowContext(c.Request.Context(), "SELECT 1")
}

// logger is gin middleware: it runs on every request and hands on with c.Next().
func logger(c *gin.Context) {
	exec.Command("logger", c.FullPath()).Run() // want `nocancel: \(\*exec.Cmd\).Run .*reached from every route \(logger\)`
	c.Next()
}

// requireAdmin is middleware of the /v1/admin group.
func requireAdmin(c *gin.Context) {
	http.Get("http://auth.internal/check") // want `nocancel: http.Get .*reached from every route under /v1/admin \(requireAdmin\)`
	c.Next()
}

// cached returns a handler built by a factory.
func cached(ttl time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		<-time.After(ttl) // want `sleep: receive from time.After .*reached from GET /v1/cached \(cached.func1\)`
	}
}

type legacy struct{}

func (legacy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /legacy \(legacy.ServeHTTP\)`
}

// notRegistered has a handler's shape and is registered nowhere.
func notRegistered(c *gin.Context) {
	time.Sleep(time.Second)
}

func main() {
	db, _ := sql.Open("postgres", "")
	time.Sleep(time.Second) // startup, not a request path
	s := &server{db: db, st: store.NewSQL(db)}

	r := gin.New()
	r.Use(logger)
	r.GET("/ping", ping)
	r.GET("/legacy", gin.WrapH(legacy{}))
	v1 := r.Group("/v1")
	{
		v1.GET("/users/:id", s.getUser)
		v1.GET("/cached", cached(time.Minute))
		v1.POST("/detached", s.detached)
		v1.POST("/attached", s.attached)
		v1.GET("/ready", s.waitReady)
		admin := v1.Group("/admin", requireAdmin)
		admin.PUT("/lookup/:id", s.lookup)
		admin.Handle("DELETE", "/jobs/:id", func(c *gin.Context) {
			go exec.Command("cleanup").Run() // want `gospawn: go statement .*reached from DELETE /v1/admin/jobs/:id \(main.func1\)`
		})
	}
	_ = notRegistered
	r.Run(":8080") // want `servertimeout: .*Run`
}
