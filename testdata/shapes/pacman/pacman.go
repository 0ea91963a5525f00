// Package pacman serves a gin engine through segmentfault/pacman's HTTP server, which builds an http.Server with
// no timeouts inside the dependency: reported where the user asks for it.
package pacman

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	pachttp "github.com/segmentfault/pacman/contrib/server/http"
)

func NewServer(addr string) *pachttp.Server {
	r := gin.New()
	r.GET("/ping", func(c *gin.Context) { c.String(http.StatusOK, "pong") })
	return pachttp.NewServer(r, addr) // want `servertimeout: http.NewServer builds an http.Server with no ReadHeaderTimeout or ReadTimeout inside pacman`
}

// A server of the user's own with timeouts serves the same engine: not reported.
func NewBounded(addr string) *http.Server {
	r := gin.New()
	r.GET("/ping", func(c *gin.Context) { c.String(http.StatusOK, "pong") })
	return &http.Server{Addr: addr, Handler: r, ReadHeaderTimeout: 5 * time.Second}
}
