// Command ginfallback sets ContextWithFallback, so its *gin.Context carries the request's cancellation.
package main

import (
	"database/sql"

	"github.com/gin-gonic/gin"
)

type server struct{ db *sql.DB }

func (s *server) get(c *gin.Context) {
	s.db.QueryRowContext(c, "SELECT 1")
	select {
	case <-c.Done():
	case <-make(chan int):
	}
}

func main() {
	db, _ := sql.Open("postgres", "")
	r := gin.New()
	r.ContextWithFallback = true
	r.GET("/", (&server{db: db}).get)
	_ = r.Run(":8080") // want `servertimeout`
}
