package a

import (
	"net/http"
	"time"
)

var bounded = &http.Client{Timeout: 5 * time.Second}

func call(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequestWithContext(r.Context(), "GET", "http://pricing/", nil)
	_, _ = http.DefaultClient.Do(req) // want `^\(\*http.Client\).Do sends a request through a client with no Timeout`
	_, _ = bounded.Do(req)            // a client with a Timeout: not reported
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/call", call)
}
