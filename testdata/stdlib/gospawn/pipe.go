package gospawn

import (
	"io"
	"mime/multipart"
	"net/http"
	"time"
)

var uploads = &http.Client{Timeout: 30 * time.Second}

// forward streams a multipart body to another service through a pipe, as athens' external storage client does: the
// goroutine writes what the request reads, and ends when the request has read it all or closed the body.
func forward(w http.ResponseWriter, r *http.Request) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	data := []byte(r.URL.Path)
	go func() {
		_ = pw.CloseWithError(writeParts(mw, data))
	}()
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, "http://127.0.0.1:9/save", pr)
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := uploads.Do(req)
	if err != nil {
		return
	}
	_ = resp.Body.Close()
}

// writeParts writes data as one part: the part's Write waits until the pipe's reader takes it.
func writeParts(mw *multipart.Writer, data []byte) error {
	part, err := mw.CreateFormFile("file", "file")
	if err != nil {
		return err
	}
	if _, err := part.Write(data); err != nil {
		return err
	}
	return mw.Close()
}

// unread writes into a pipe whose reader nothing reads: the goroutine waits for good.
func unread(w http.ResponseWriter, r *http.Request) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	data := []byte(r.URL.Path)
	go func() { // want `gospawn: go statement starts a goroutine for each request`
		_ = pw.CloseWithError(writeParts(mw, data))
	}()
	_ = pr
}

func PipeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/forward", forward)
	mux.HandleFunc("/unread", unread)
}
