package api

import (
	"net/http"
	"testing"
	"time"
)

// Findings in test files are not reported unless asked for.
func TestSlowHandler(t *testing.T) {
	http.HandleFunc("/test-only", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Second)
	})
}
