package app

import (
	"net/http"
	"time"
)

func slow(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second)
	_, _ = http.Get("http://upstream/")
	slowQuery()
}

// slowQuery blocks in a way only the project's own rules file knows about.
func slowQuery() {}

func Routes(mux *http.ServeMux) { mux.HandleFunc("GET /slow", slow) }
