// Package callback checks the standard library calling the user's methods back on the request goroutine: io.Copy
// calls its source's Read, http.ServeContent its content's Read and Seek.
package callback

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// slowReader throttles what it reads, on the goroutine of whoever reads it.
type slowReader struct{ r io.Reader }

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(10 * time.Millisecond) // want `time.Sleep .*reached from GET /copy`
	return s.r.Read(p)
}

// upperReader reads without waiting on anything: a look-alike.
type upperReader struct{ r io.Reader }

func (u upperReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p, strings.ToUpper(string(p[:n])))
	return n, err
}

// slowSeeker is served by http.ServeContent, which seeks it to find the size.
type slowSeeker struct{ *strings.Reader }

func (s slowSeeker) Seek(off int64, whence int) (int64, error) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /content`
	return s.Reader.Seek(off, whence)
}

func copySlow(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(w, &slowReader{r: strings.NewReader("hello")})
}

func copyUpper(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(w, upperReader{r: strings.NewReader("hello")})
}

func content(w http.ResponseWriter, r *http.Request) {
	http.ServeContent(w, r, "x.txt", time.Time{}, slowSeeker{strings.NewReader("hello")})
}

func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /copy", copySlow)
	mux.HandleFunc("GET /upper", copyUpper)
	mux.HandleFunc("GET /content", content)
}
