// Package statuswriter records the status a handler writes, for the middlewares that judge responses (the
// breaker counts 5xx as failures, the monitor counts by status class).
package statuswriter

import (
	"bufio"
	"net"
	"net/http"
)

// Writer wraps a ResponseWriter and remembers the final status written through it.
type Writer struct {
	http.ResponseWriter
	// Status is the final status, or 0 while none was written.
	Status int
}

// WriteHeader records code unless it is informational.
func (w *Writer) WriteHeader(code int) {
	// 1xx other than 101 are informational; the final status comes later.
	if w.Status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (w *Writer) Write(p []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets handlers that assert [http.Flusher] stream through the wrapper.
func (w *Writer) Flush() {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack lets handlers that assert [http.Hijacker] (WebSocket libraries) take the connection through the wrapper.
func (w *Writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.Status == 0 {
		w.Status = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}

// Unwrap gives [http.ResponseController] the underlying writer.
func (w *Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
