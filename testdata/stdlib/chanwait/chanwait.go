package chanwait

import (
	"net/http"
	"sync"
)

type hub struct {
	updates chan string
	acks    chan bool
	mu      sync.Mutex
	cond    *sync.Cond
	wg      sync.WaitGroup
}

func (h *hub) publish(w http.ResponseWriter, r *http.Request) {
	h.updates <- r.URL.Path // want `chanwait: channel send waits for a receiver`
	<-h.acks                // want `chanwait: channel receive waits on a channel`
	ok, more := <-h.acks    // want `chanwait: channel receive`
	_, _ = ok, more
}

func (h *hub) watch(w http.ResponseWriter, r *http.Request) {
	select { // want `chanwait: select waits on channels without a ctx.Done\(\) case`
	case u := <-h.updates:
		_ = u
	case <-h.acks:
	}
	select {
	case u := <-h.updates:
		_ = u
	case <-r.Context().Done():
	}
	select {
	case h.updates <- "x":
	default:
	}
	<-r.Context().Done()
	local := make(chan int, 1)
	local <- 1 // a buffered channel made here for this send
	for u := range h.updates { // want `chanwait: channel receive`
		_ = u
	}
}

func (h *hub) wait(w http.ResponseWriter, r *http.Request) {
	h.wg.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait`
	h.mu.Lock()
	h.cond.Wait() // want `chanwait: \(\*sync.Cond\).Wait`
	h.mu.Unlock()
}

func (h *hub) pump() {
	for u := range h.updates { // a worker started from main
		_ = u
		h.acks <- true
	}
}

func Routes(mux *http.ServeMux) {
	h := &hub{updates: make(chan string), acks: make(chan bool)}
	h.cond = sync.NewCond(&h.mu)
	go h.pump()
	mux.HandleFunc("/publish", h.publish)
	mux.HandleFunc("/watch", h.watch)
	mux.HandleFunc("/wait", h.wait)
}
