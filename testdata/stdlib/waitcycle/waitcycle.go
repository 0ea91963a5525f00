// Package waitcycle checks that whether a goroutine's function reaches a wait does not depend on which function
// was asked first. ping and pong call each other; ping also reaches a sleep four calls down, beyond what the
// goroutine's own code is looked at for. Asked first, ping's search stops at pong's call back to ping: pong must
// not be taken to reach nothing once ping's search ends, since pong reaches the sleep through ping.
package waitcycle

import (
	"net/http"
	"time"
)

var rounds int

func ping(n int) {
	if n > 0 {
		pong(n - 1)
	}
	step1()
}

func pong(n int) {
	rounds++
	ping(n)
}

func step1() { step2() }
func step2() { step3() }
func step3() { step4() }
func step4() { time.Sleep(time.Duration(rounds) * time.Second) } // a computed delay: a short constant one ends on its own

// first starts ping: its search runs first and meets pong on the way.
func first(w http.ResponseWriter, r *http.Request) {
	go ping(3) // want `gospawn: go statement starts a goroutine`
}

// second starts pong, which reaches the sleep through ping.
func second(w http.ResponseWriter, r *http.Request) {
	go pong(3) // want `gospawn: go statement starts a goroutine`
}

func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /first", first)
	mux.HandleFunc("GET /second", second)
}
