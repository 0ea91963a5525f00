package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"example.com/inventory/internal/storage"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// fail maps storage errors to statuses and logs the rest.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		http.Error(w, "not found", http.StatusNotFound)
	case errors.Is(err, storage.ErrInsufficient):
		http.Error(w, err.Error(), http.StatusConflict)
	case errors.Is(err, context.DeadlineExceeded):
		http.Error(w, "upstream timed out", http.StatusGatewayTimeout)
	case errors.Is(err, context.Canceled):
		// The client went away.
	default:
		s.log.Printf("error id=%s %s %s: %v", requestID(r.Context()), r.Method, r.URL.Path, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return 0, false
	}
	return id, true
}

// loadItem fetches the item named by the {sku} path segment, writing the error response itself.
func (s *Server) loadItem(w http.ResponseWriter, r *http.Request) (storage.Item, bool) {
	it, err := s.store.ItemBySKU(r.PathValue("sku"))
	if err != nil {
		s.fail(w, r, err)
		return storage.Item{}, false
	}
	return it, true
}

// audit records who did what. It must not be lost when the client hangs up, so it detaches from the request
// deliberately, with a bound of its own.
func (s *Server) audit(r *http.Request, action, subject string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Second)
	defer cancel()
	if err := s.store.RecordAudit(ctx, storage.AuditEntry{Actor: principal(r.Context()), Action: action, Subject: subject}); err != nil {
		s.log.Printf("audit %s %s: %v", action, subject, err)
	}
}
