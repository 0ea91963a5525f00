package a

import (
	"net/http"
	"time"
)

func slow(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second) // want `^time.Sleep pauses the request .*reached from GET /slow \(slow\)`
}

// patient waits on the request's context too: not reported.
func patient(w http.ResponseWriter, r *http.Request) {
	select {
	case <-time.After(time.Second):
	case <-r.Context().Done():
	}
}

// startup is no handler: not reported.
func startup() { time.Sleep(time.Second) }

func Routes(mux *http.ServeMux) {
	startup()
	mux.HandleFunc("GET /slow", slow)
	mux.HandleFunc("GET /patient", patient)
}
