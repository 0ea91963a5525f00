package routes

import (
	"net/http"
	"strconv"
	"time"
)

// withID is a helper every handler calls with a callback of its own: a callback is reached from the routes of
// the handlers that pass it, never through another handler's call of the helper.
func withID(w http.ResponseWriter, r *http.Request, f func(id int)) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	f(id)
}

func getItem(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int) { _ = id })
}

func deleteItem(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int) {
		time.Sleep(time.Duration(id)) // want `time.Sleep .*; reached from DELETE /items/\{id\} \(deleteItem\); fix`
	})
}

func listItems(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int) { _ = id })
}

// RegisterItems registers three routes that share withID.
func RegisterItems(mux *http.ServeMux) {
	mux.HandleFunc("GET /items/{id}", getItem)
	mux.HandleFunc("GET /items", listItems)
	mux.HandleFunc("DELETE /items/{id}", deleteItem)
}

// evaluate runs the checks each middleware passes it, as authentication helpers do.
func evaluate(w http.ResponseWriter, r *http.Request, checks ...func(r *http.Request) bool) bool {
	for _, check := range checks {
		if !check(r) {
			return false
		}
	}
	return true
}

func checkToken(r *http.Request) bool { return r.Header.Get("X-Token") != "" }

func checkRemote(r *http.Request) bool {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /strict \(strict\); fix`
	return true
}

func optional(w http.ResponseWriter, r *http.Request) { _ = evaluate(w, r, checkToken) }

func strict(w http.ResponseWriter, r *http.Request) { _ = evaluate(w, r, checkToken, checkRemote) }

// RegisterChecks registers two routes whose checks differ.
func RegisterChecks(mux *http.ServeMux) {
	mux.HandleFunc("GET /optional", optional)
	mux.HandleFunc("GET /strict", strict)
}

// evaluateOr401 passes the checks it is given on to evaluate: each route still reaches only its own checks.
func evaluateOr401(w http.ResponseWriter, r *http.Request, checks ...func(r *http.Request) bool) {
	if !evaluate(w, r, checks...) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}
}

func checkApp(r *http.Request) bool {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /app \(requireApp\); fix`
	return true
}

func requireClient(w http.ResponseWriter, r *http.Request) { evaluateOr401(w, r, checkToken) }

func requireApp(w http.ResponseWriter, r *http.Request) { evaluateOr401(w, r, checkToken, checkApp) }

// RegisterAuth registers two routes whose checks go through two helpers.
func RegisterAuth(mux *http.ServeMux) {
	mux.HandleFunc("GET /client", requireClient)
	mux.HandleFunc("GET /app", requireApp)
}
