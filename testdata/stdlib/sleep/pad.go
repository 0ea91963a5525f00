package sleep

import (
	"net/http"
	"time"
)

// login pads its response to a minimum of 100 ms, whatever it found, so that its timing tells an attacker nothing
// (a timing-attack mitigation): the sleep waits at most 100 ms, once, and waiting is its purpose. Not reported.
func login(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() {
		if elapsed := time.Since(start).Milliseconds(); elapsed < 100 {
			time.Sleep(time.Duration(100-elapsed) * time.Millisecond)
		}
	}()
	if r.FormValue("user") == "" {
		return
	}
}

// padded pads to 200 ms without a guard: a negative duration returns at once. Not reported.
func padded(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	check(r)
	time.Sleep(200*time.Millisecond - time.Since(start))
}

// longPad pads to 5 s: a request held for seconds. Reported.
func longPad(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	check(r)
	time.Sleep(5*time.Second - time.Since(start)) // want `sleep: time.Sleep pauses the request`
}

// pacing sleeps in a loop: each pass pads itself, and the passes add up. Reported.
func pacing(w http.ResponseWriter, r *http.Request) {
	for range 10 {
		start := time.Now()
		check(r)
		time.Sleep(100*time.Millisecond - time.Since(start)) // want `sleep: time.Sleep pauses the request`
	}
}

// fixedPause sleeps a constant: not a pad, however short. Reported.
func fixedPause(w http.ResponseWriter, r *http.Request) {
	time.Sleep(2 * time.Second) // want `sleep: time.Sleep pauses the request`
}

// until pads against a time it is given, which may lie in the future: not known to be bounded. Reported.
func until(w http.ResponseWriter, r *http.Request) {
	padFrom(time.Now().Add(time.Hour))
}

func padFrom(start time.Time) {
	time.Sleep(100*time.Millisecond - time.Since(start)) // want `sleep: time.Sleep pauses the request`
}

func check(r *http.Request) bool { return r.FormValue("token") != "" }

func PadRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /login", login)
	mux.HandleFunc("/padded", padded)
	mux.HandleFunc("/longpad", longPad)
	mux.HandleFunc("/pacing", pacing)
	mux.HandleFunc("/fixed", fixedPause)
	mux.HandleFunc("/until", until)
}
