// Package frameworks starts servers through the routers' own start methods.
package frameworks

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
)

func ok(c echo.Context) error { return c.String(http.StatusOK, "ok") }

func EchoBare() error {
	e := echo.New()
	e.GET("/", ok)
	return e.Start(":8080") // want `servertimeout: \(\*v4.Echo\).Start serves with echo's own http.Server`
}

func EchoConfigured() error {
	e := echo.New()
	e.Server.ReadHeaderTimeout = 5 * time.Second
	e.GET("/", ok)
	return e.Start(":8080")
}

func EchoOwnServer() error {
	e := echo.New()
	e.GET("/", ok)
	return e.StartServer(&http.Server{Addr: ":8080", ReadTimeout: 10 * time.Second})
}

// routes registers handlers on e and never touches its server, also from a closure that captures e.
func routes(e *echo.Echo) {
	e.GET("/", ok)
	e.HTTPErrorHandler = func(err error, c echo.Context) { e.DefaultHTTPErrorHandler(err, c) }
}

// tune sets the server's read timeout.
func tune(e *echo.Echo) { e.Server.ReadTimeout = 10 * time.Second }

// EchoInGoroutine serves from a goroutine, after route set-up in its own package, as listmonk does.
func EchoInGoroutine() *echo.Echo {
	e := echo.New()
	routes(e)
	go func() {
		_ = e.Start(":8080") // want `servertimeout: \(\*v4.Echo\).Start serves with echo's own http.Server`
	}()
	return e
}

// EchoTunedInGoroutine's server is given a read timeout by a helper: silent.
func EchoTunedInGoroutine() {
	e := echo.New()
	routes(e)
	tune(e)
	go func() { _ = e.Start(":8080") }()
}

func GinBare() error {
	r := gin.New()
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	return r.Run(":8080") // want `servertimeout: \(\*gin.Engine\).Run serves`
}

func GinOwnServer() error {
	r := gin.New()
	srv := &http.Server{Addr: ":8080", Handler: r, ReadHeaderTimeout: 5 * time.Second}
	return srv.ListenAndServe()
}
