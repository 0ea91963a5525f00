package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"example.com/inventory/internal/clients"
	"example.com/inventory/internal/storage"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.store.PingContext(ctx); err != nil {
		http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.jobs.Len() > 900 {
		http.Error(w, "job queue backed up", http.StatusServiceUnavailable)
		return
	}
	if err := s.store.Ping(); err != nil {
		http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listItems(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	items, err := s.catalog.ListItems(r.Context(), storage.Filter{Category: q.Get("category"), After: q.Get("after"), Limit: limit})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items)
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	var it storage.Item
	if !decode(w, r, &it) {
		return
	}
	it.SKU = strings.ToUpper(strings.TrimSpace(it.SKU))
	if it.SKU == "" || it.PriceCents <= 0 {
		http.Error(w, "sku and a positive price are required", http.StatusUnprocessableEntity)
		return
	}
	if err := s.store.CreateItem(r.Context(), it); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "item.create", it.SKU)
	writeJSON(w, http.StatusCreated, it)
}

type itemView struct {
	storage.Item
	ListPriceCents int `json:"list_price_cents"`
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	it, err := s.catalog.Item(r.Context(), r.PathValue("sku"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := itemView{Item: it, ListPriceCents: it.PriceCents}
	if p, err := s.pricing.ListPrice(it.SKU); err == nil {
		v.ListPriceCents = p
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) updateItem(w http.ResponseWriter, r *http.Request) {
	it, ok := s.loadItem(w, r)
	if !ok {
		return
	}
	var in struct {
		Name       *string `json:"name"`
		Category   *string `json:"category"`
		PriceCents *int    `json:"price_cents"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Name != nil {
		it.Name = *in.Name
	}
	if in.Category != nil {
		it.Category = *in.Category
	}
	if in.PriceCents != nil {
		it.PriceCents = *in.PriceCents
	}
	if err := s.store.UpdateItem(r.Context(), it); err != nil {
		s.fail(w, r, err)
		return
	}
	s.cache.Invalidate(it.SKU)
	s.audit(r, "item.update", it.SKU)
	writeJSON(w, http.StatusOK, it)
}

func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request) {
	sku := r.PathValue("sku")
	if err := s.store.DeleteItem(r.Context(), sku); err != nil {
		s.fail(w, r, err)
		return
	}
	s.cache.Invalidate(sku)
	s.audit(r, "item.delete", sku)
	w.WriteHeader(http.StatusNoContent)
}

// itemImage renders a thumbnail of the item's photo with libvips.
func (s *Server) itemImage(w http.ResponseWriter, r *http.Request) {
	it, ok := s.loadItem(w, r)
	if !ok {
		return
	}
	size := r.URL.Query().Get("size")
	if size == "" {
		size = "256"
	}
	cmd := exec.Command("vipsthumbnail", "/srv/photos/"+it.SKU+".jpg", "--size", size, "-o", ".webp[Q=80]")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output() // want `nocancel: \(\*exec.Cmd\).Output .*reached from GET /v1/items/\{sku\}/image \(Server.itemImage\); fix`
	if err != nil {
		s.log.Printf("vipsthumbnail %s: %v: %s", it.SKU, err, stderr.String())
		http.Error(w, "thumbnail failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/webp")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(out)
}

func (s *Server) itemHistory(w http.ResponseWriter, r *http.Request) {
	it, ok := s.loadItem(w, r)
	if !ok {
		return
	}
	hist, err := s.store.History(r.Context(), it.SKU)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, hist)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) < 2 {
		writeJSON(w, http.StatusOK, []storage.Item{})
		return
	}
	items, err := s.catalog.Search(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items)
}

func (s *Server) categories(w http.ResponseWriter, r *http.Request) {
	cats, err := s.catalog.Categories()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cats)
}

// bulkQuote prices many SKUs at once, at most eight pricing calls at a time, within three seconds overall.
func (s *Server) bulkQuote(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SKUs []string `json:"skus"`
	}
	if !decode(w, r, &in) {
		return
	}
	if len(in.SKUs) > 200 {
		http.Error(w, "at most 200 SKUs", http.StatusRequestEntityTooLarge)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	type result struct {
		q   clients.Quote
		err error
	}
	results := make(chan result, len(in.SKUs))
	sem := make(chan struct{}, 8)
	for _, sku := range in.SKUs {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			q, err := s.pricing.Quote(ctx, sku, 1)
			results <- result{q, err}
		}()
	}
	quotes := make([]clients.Quote, 0, len(in.SKUs))
	for range in.SKUs {
		select {
		case res := <-results:
			if res.err != nil {
				s.fail(w, r, res.err)
				return
			}
			quotes = append(quotes, res.q)
		case <-ctx.Done():
			http.Error(w, "pricing timed out", http.StatusGatewayTimeout)
			return
		}
	}
	writeJSON(w, http.StatusOK, quotes)
}

// exportHandler streams the catalog as CSV.
type exportHandler struct {
	store *storage.Store
}

func (h exportHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rows, err := h.store.ExportRows(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	w.Header().Set("Content-Type", "text/csv")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"sku", "name", "category", "price_cents"})
	for rows.Next() {
		it, err := storage.ScanExportRow(rows)
		if err != nil {
			return
		}
		_ = cw.Write([]string{it.SKU, it.Name, it.Category, strconv.Itoa(it.PriceCents)})
	}
	cw.Flush()
}

// legacyItemsCSV served /v0/items.csv. The route was removed in #412 once the last v0 client migrated; the
// function stays until the partner contract ends.
func (s *Server) legacyItemsCSV(w http.ResponseWriter, r *http.Request) {
	items, err := s.store.AllItems()
	for attempt := 0; err != nil && attempt < 3; attempt++ {
		time.Sleep(time.Second)
		items, err = s.store.AllItems()
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	cw := csv.NewWriter(w)
	for _, it := range items {
		_ = cw.Write([]string{it.SKU, it.Name, strconv.Itoa(it.PriceCents)})
	}
	cw.Flush()
}
