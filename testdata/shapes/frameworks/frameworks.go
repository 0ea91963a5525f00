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
