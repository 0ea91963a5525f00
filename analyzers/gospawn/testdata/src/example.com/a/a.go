package a

import (
	"net/http"
	"sync"
	"time"
)

// notify waits: a goroutine that reaches nothing that waits ends on its own and is not reported.
func notify(id string) { time.Sleep(time.Duration(len(id)) * time.Millisecond) }

func fire(w http.ResponseWriter, r *http.Request) {
	go notify(r.URL.Path) // want `^go statement starts a goroutine for each request`
}

// joined waits for its goroutine: not reported.
func joined(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	wg.Go(func() { notify(r.URL.Path) })
	wg.Wait()
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/fire", fire)
	mux.HandleFunc("/joined", joined)
}
