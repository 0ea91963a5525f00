package app

import (
	"net/http"
	"testing"
	"time"
)

func testHandler(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Millisecond) }

func TestRoutes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/test", testHandler)
}
