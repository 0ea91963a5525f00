// Package userrule has a method of the user's own that a user rule names: both engines judge the call and do not
// enter it, so the sleep inside is not a finding of its own.
package userrule

import (
	"log"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"
)

type Client struct{}

func (c *Client) Fetch(id string) string {
	time.Sleep(time.Millisecond) // the same root cause as the call: not reported
	return id
}

// Queue hands out slots. Wait spins until one is free, which no analyzer sees; the user's rules name it in
// goroutines.waits, so a goroutine calling it does not end on its own.
type Queue struct{ free atomic.Int32 }

func (q *Queue) Wait() {
	for q.free.Load() == 0 {
		runtime.Gosched()
	}
}

func (q *Queue) Len() int { return int(q.free.Load()) }

func Routes(mux *http.ServeMux, c *Client) {
	q := &Queue{}
	mux.HandleFunc("POST /slot", func(w http.ResponseWriter, r *http.Request) {
		go func() { // want `go statement starts a goroutine for each request`
			q.Wait()
			log.Print("slot")
		}()
		go func() { log.Print(q.Len()) }() // ends on its own: not reported
	})
	mux.HandleFunc("GET /item", func(w http.ResponseWriter, r *http.Request) {
		_ = c.Fetch("x") // want `^\(\*userrule.Client\).Fetch fetches from the inventory service without a context; reached from GET /item`
	})
}
