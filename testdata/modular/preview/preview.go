// Package preview stores each preview it renders in a cache behind an interface, from a goroutine per request, as
// filebrowser's createPreview does (http/preview.go:147). The cache's implementation is in a package preview does
// not import, wired by main: the whole-program engine follows it there (a disk write, which ends by itself) and
// does not report the goroutine; this engine cannot see what runs behind the interface, and reports it.
package preview

import "net/http"

// Cache stores rendered previews.
type Cache interface {
	Store(key string, value []byte) error
}

var rendered = map[string][]byte{}

// remember keeps a preview in memory: a goroutine that does only this ends by itself.
func remember(key string, value []byte) { rendered[key] = value }

// Register registers the preview route.
func Register(mux *http.ServeMux, cache Cache) {
	mux.HandleFunc("GET /preview/{path...}", func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("path")
		buf := []byte(key)
		go func() { // want `^go statement starts a goroutine for each request`
			_ = cache.Store(key, buf)
		}()
		go remember(key, buf)
		_, _ = w.Write(buf)
	})
}
