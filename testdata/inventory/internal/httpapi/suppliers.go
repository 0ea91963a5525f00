package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"time"

	"example.com/inventory/internal/jobs"
)

func (s *Server) listSuppliers(w http.ResponseWriter, r *http.Request) {
	sps, err := s.store.Suppliers()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sps)
}

// supplierCatalog proxies a supplier's catalog, giving it five seconds.
func (s *Server) supplierCatalog(w http.ResponseWriter, r *http.Request) {
	sp, err := s.store.SupplierByID(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	entries, err := s.suppliers.FetchCatalog(ctx, sp.BaseURL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, entries)
}

func (s *Server) supplierHealth(w http.ResponseWriter, r *http.Request) {
	sp, err := s.store.SupplierByID(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"healthy": s.suppliers.Healthy(sp.BaseURL)})
}

// supplierHook receives the suppliers' "catalog changed" callbacks, signed with HMAC-SHA256.
type supplierHook struct {
	key  []byte
	jobs *jobs.Queue
	log  *log.Logger
}

func (h *supplierHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	mac := hmac.New(sha256.New, h.key)
	mac.Write(body)
	sig, _ := hex.DecodeString(r.Header.Get("X-Signature"))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		// Slow down anyone guessing signatures.
		time.Sleep(500 * time.Millisecond) // want `sleep: time.Sleep .*reached from POST /hooks/supplier \(.*ServeHTTP\); fix`
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev struct {
		Supplier string `json:"supplier"`
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.Supplier == "" {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if err := h.jobs.Offer(jobs.Job{Kind: jobs.KindSupplierSync, Ref: ev.Supplier}); err != nil {
		h.log.Printf("supplier hook %s: %v", ev.Supplier, err)
		http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
