package a

import (
	"net/http"
	"time"
)

func Serve(mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux} // want `^\(\*http.Server\).ListenAndServe is a server with no ReadHeaderTimeout`
	go srv.ListenAndServe()
	safe := &http.Server{Addr: ":8081", Handler: mux, ReadHeaderTimeout: time.Second} // has a timeout: not reported
	return safe.ListenAndServe()
}
