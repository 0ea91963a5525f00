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

func Routes(mux *http.ServeMux) {
	h := &hub{updates: make(chan string)}
	mux.HandleFunc("/push", h.push)
	mux.HandleFunc("/pushctx", h.pushCtx)
}
