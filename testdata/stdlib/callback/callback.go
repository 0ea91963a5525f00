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

// throttled is one of the readers source picks: io.Copy gets it as an io.Reader value, not a *throttled.
type throttled struct{ r io.Reader }

func (t *throttled) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /picked`
	return t.r.Read(p)
}

// source returns an interface value whose dynamic type is one of the user's readers.
func source(name string) io.Reader {
	if name == "slow" {
		return &throttled{r: strings.NewReader("x")}
	}
	return upperReader{r: strings.NewReader("x")}
}

func picked(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(w, source(r.FormValue("src")))
}

// stalled is kept in a field as an io.Reader.
type stalled struct{}

func (stalled) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /feed`
	return 0, io.EOF
}

type feed struct{ src io.Reader }

func (f *feed) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(w, f.src)
}

// body copies the request body, an interface value that none of the user's readers is stored in: a look-alike.
func body(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(w, r.Body)
}

func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /picked", picked)
	mux.HandleFunc("GET /feed", (&feed{src: stalled{}}).serve)
	mux.HandleFunc("POST /body", body)
	mux.HandleFunc("GET /copy", copySlow)
	mux.HandleFunc("GET /upper", copyUpper)
	mux.HandleFunc("GET /content", content)
}
