package a

import "net/http"

type hub struct{ updates chan string }

func (h *hub) push(w http.ResponseWriter, r *http.Request) {
	h.updates <- r.URL.Path // want `^channel send waits for a receiver`
}

// pushCtx gives up when the client goes away: not reported.
func (h *hub) pushCtx(w http.ResponseWriter, r *http.Request) {
	select {
	case h.updates <- r.URL.Path:
	case <-r.Context().Done():
	}
}

// A queue is a field holding only a buffered channel that a worker drains in a loop: a send waits only when the
// worker falls a whole buffer behind. Not reported; an unbuffered one is.
type queue struct {
	jobs   chan string
	direct chan string
}

func (q *queue) work() {
	for j := range q.jobs {
		_ = j
	}
	for {
		<-q.direct
	}
}

func (q *queue) enqueue(w http.ResponseWriter, r *http.Request) {
	q.jobs <- r.URL.Path
	q.direct <- r.URL.Path // want `^channel send waits for a receiver`
}

func Routes(mux *http.ServeMux) {
	q := &queue{jobs: make(chan string, 1000), direct: make(chan string)}
	go q.work()
	mux.HandleFunc("/enqueue", q.enqueue)
	h := &hub{updates: make(chan string)}
	mux.HandleFunc("/push", h.push)
	mux.HandleFunc("/pushctx", h.pushCtx)
}
