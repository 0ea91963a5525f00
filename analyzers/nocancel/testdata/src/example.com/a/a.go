package a

import "net/http"

func proxy(w http.ResponseWriter, r *http.Request) {
	_, _ = http.Get("http://inventory/items") // want `^http.Get sends an HTTP request that carries no context`
}

// withContext carries the request's context: not reported.
func withContext(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequestWithContext(r.Context(), "GET", "http://inventory/items", nil)
	_, _ = (&http.Client{Timeout: 1}).Do(req)
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/proxy", proxy)
	mux.HandleFunc("/ctx", withContext)
}
