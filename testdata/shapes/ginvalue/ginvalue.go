// Package ginvalue hands the *gin.Context on as a context.Context, as apache/answer does at hundreds of calls: its
// Done never fires, since the engine does not set ContextWithFallback. Only calls under which something waits on
// the context lose the request's cancellation, and one line fixes all of them, so they are reported once, at the
// call nearest a handler, with the others as related information.
package ginvalue

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
)

type langKey struct{}

// lang only reads a value, as answer's GetLangByCtx does: nothing waits on ctx.
func lang(ctx context.Context) string {
	if c, ok := ctx.(*gin.Context); ok {
		if v, ok := c.Get("lang"); ok {
			return v.(string)
		}
	}
	s, _ := ctx.Value(langKey{}).(string)
	return s
}

// shortIDs reads a value through a helper and logs with the context: still nothing waits.
func shortIDs(ctx context.Context) bool {
	slog.InfoContext(ctx, "short ids")
	return lang(ctx) == "short"
}

type store struct{ db *sql.DB }

func (s *store) name(ctx context.Context, id string) (string, error) {
	var n string
	err := s.db.QueryRowContext(ctx, "select name from users where id = $1", id).Scan(&n)
	return n, err
}

// traced derives a context and waits on it two calls down.
func (s *store) traced(ctx context.Context, id string) {
	ctx = context.WithValue(ctx, langKey{}, lang(ctx))
	_, _ = s.name(ctx, id)
}

type server struct{ st *store }

func (s *server) user(c *gin.Context) {
	l := lang(c)                          // a value read: not reported
	n, err := s.st.name(c, c.Param("id")) // want `ctxdetach: \*gin.Context passed as a context.Context has a Done channel that never fires.*reached from GET /users/:id \(server.user\); the same at 2 other calls.*fix: set ContextWithFallback = true on the gin engine`
	if err != nil {
		c.String(http.StatusInternalServerError, l)
		return
	}
	c.String(http.StatusOK, n)
}

func (s *server) list(c *gin.Context) {
	if shortIDs(c) { // a value read and a log line: not reported
		s.st.traced(c, c.Query("id")) // the same cause: related information of the finding above
	}
}

func (s *server) count(c *gin.Context) {
	s.st.name(c, "all") // the same cause: related information of the finding above
}

// attached passes the request's own context: nothing to report.
func (s *server) attached(c *gin.Context) {
	s.st.name(c.Request.Context(), c.Param("id"))
}

func Routes(db *sql.DB) *gin.Engine {
	s := &server{st: &store{db: db}}
	r := gin.New()
	r.GET("/users/:id", s.user)
	r.GET("/users", s.list)
	r.GET("/count", s.count)
	r.GET("/attached", s.attached)
	return r
}
