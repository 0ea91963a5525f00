package nocancel

import (
	"errors"
	"io"
	"net/http"
	"strings"
)

// newUpload builds a request the way go-virustotal's newfileUploadRequest does: it returns early with a nil
// request on errors, and otherwise the request http.NewRequest made, without a context.
func newUpload(uri string, body io.Reader) (*http.Request, error) {
	if uri == "" {
		return nil, errors.New("no uri")
	}
	req, err := http.NewRequest(http.MethodPost, uri, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	return req, nil
}

// newUploadCtx is the look-alike that gives the request the caller's context.
func newUploadCtx(r *http.Request, uri string, body io.Reader) (*http.Request, error) {
	if uri == "" {
		return nil, errors.New("no uri")
	}
	return http.NewRequestWithContext(r.Context(), http.MethodPost, uri, body)
}

func upload(w http.ResponseWriter, r *http.Request) {
	if req, err := newUpload("http://upstream/scan", strings.NewReader("x")); err == nil {
		if resp, err := http.DefaultClient.Do(req); err == nil { // want `nocancel: \(\*http.Client\).Do sends a request made by http.NewRequest`
			_ = resp.Body.Close()
		}
	}
	if req, err := newUploadCtx(r, "http://upstream/scan", strings.NewReader("x")); err == nil {
		if resp, err := bounded.Do(req); err == nil { // the request has the handler's context, the client a Timeout
			_ = resp.Body.Close()
		}
	}
}

func HelperRoutes(mux *http.ServeMux) { mux.HandleFunc("/upload", upload) }
