package a

import (
	"net/http"
	"net/url"
	"time"
)

func proxy(w http.ResponseWriter, r *http.Request) {
	_, _ = http.Get("http://inventory/items") // want `^http.Get sends an HTTP request that carries no context`
}

// withContext carries the request's context: not reported.
func withContext(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequestWithContext(r.Context(), "GET", "http://inventory/items", nil)
	_, _ = (&http.Client{Timeout: 1}).Do(req)
}

// A verifier keeps a client made with a Timeout by its constructor: the request's cancellation is ignored, but
// the wait is bounded by the client's Timeout, so calls through it are not reported.
type verifier struct {
	client *http.Client
	open   *http.Client // made without a Timeout
}

func newVerifier(timeout time.Duration) *verifier {
	return &verifier{client: &http.Client{Timeout: timeout}, open: &http.Client{}}
}

var v = newVerifier(5 * time.Second)

func verify(w http.ResponseWriter, r *http.Request) {
	_, _ = v.client.PostForm("http://captcha/verify", url.Values{"token": {r.FormValue("token")}})
	_, _ = v.open.PostForm("http://captcha/verify", url.Values{"token": {r.FormValue("token")}}) // want `^\(\*http.Client\).PostForm sends an HTTP request that carries no context`
	req, _ := http.NewRequest("GET", "http://captcha/health", nil)
	_, _ = v.client.Do(req)
	_, _ = http.DefaultClient.Do(req) // want `^\(\*http.Client\).Do sends a request made by http.NewRequest`
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/proxy", proxy)
	mux.HandleFunc("/ctx", withContext)
	mux.HandleFunc("/verify", verify)
}
