// Package admin builds a chi sub-router that the service mounts under /admin.
package admin

import (
	"net/http"
	"os/exec"

	"github.com/go-chi/chi/v5"
)

// Router returns the admin routes.
func Router() http.Handler {
	r := chi.NewRouter()
	r.Post("/reindex", reindex)
	return r
}

func reindex(w http.ResponseWriter, r *http.Request) {
	exec.Command("reindex").Run() // want `nocancel: \(\*exec.Cmd\).Run .*reached from POST /admin/reindex \(reindex\)`
}
