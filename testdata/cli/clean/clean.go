package clean

import (
	"net/http"
	"time"
)

func ok(w http.ResponseWriter, r *http.Request) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func Routes(mux *http.ServeMux) { mux.HandleFunc("/ok", ok) }
