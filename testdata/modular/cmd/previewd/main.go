// Command previewd serves previews with a disk cache.
package main

import (
	"net/http"
	"time"

	"example.com/modular/preview"
	"example.com/modular/preview/diskcache"
)

func main() {
	mux := http.NewServeMux()
	preview.Register(mux, &diskcache.Cache{Dir: "/tmp/previews"})
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	_ = srv.ListenAndServe()
}
