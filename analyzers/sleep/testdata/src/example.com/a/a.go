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

// login pads its response to a minimum of 100 ms against timing attacks: at most 100 ms, once. Not reported.
func login(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() {
		if elapsed := time.Since(start).Milliseconds(); elapsed < 100 {
			time.Sleep(time.Duration(100-elapsed) * time.Millisecond)
		}
	}()
}

// longPad pads to 5 s: reported.
func longPad(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	time.Sleep(5*time.Second - time.Since(start)) // want `^time.Sleep pauses the request`
}

// startup is no handler: not reported.
func startup() { time.Sleep(time.Second) }

func Routes(mux *http.ServeMux) {
	startup()
	mux.HandleFunc("GET /slow", slow)
	mux.HandleFunc("GET /patient", patient)
	mux.HandleFunc("POST /login", login)
	mux.HandleFunc("/longpad", longPad)
}
