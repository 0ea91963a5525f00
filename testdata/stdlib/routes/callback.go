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
