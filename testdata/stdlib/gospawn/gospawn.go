package gospawn

import (
	"net/http"
	"sync"
	"time"
)

func notify(id string) { time.Sleep(time.Millisecond) }

func fireAndForget(w http.ResponseWriter, r *http.Request) {
	go notify(r.URL.Path) // want `gospawn: go statement starts a goroutine for each request`
	go func() {           // want `gospawn: go statement`
		notify("x")
	}()
}

func joined(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	for _, id := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			notify(id)
		}()
	}
	wg.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait waits for goroutines without looking at the request's context`
}

func result(w http.ResponseWriter, r *http.Request) {
	done := make(chan string)
	go func() {
		notify("y")
		done <- "ok"
	}()
	select {
	case <-done:
	case <-r.Context().Done():
	}
}

var sem = make(chan struct{}, 8)

func limited(w http.ResponseWriter, r *http.Request) {
	select {
	case sem <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	go func() {
		defer func() { <-sem }()
		notify("z")
	}()
}

func worker(jobs <-chan string) {
	for j := range jobs {
		go notify(j) // a worker started from main is not on a request path
	}
}

func Routes(mux *http.ServeMux) {
	go worker(make(chan string))
	mux.HandleFunc("/fire", fireAndForget)
	mux.HandleFunc("/joined", joined)
	mux.HandleFunc("/result", result)
	mux.HandleFunc("/limited", limited)
}
