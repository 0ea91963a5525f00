package httpapi

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"example.com/inventory/internal/metrics"
	"example.com/inventory/internal/storage"
)

type fakeCatalog struct {
	items map[string]storage.Item
	delay time.Duration
}

func (f *fakeCatalog) Item(ctx context.Context, sku string) (storage.Item, error) {
	time.Sleep(f.delay)
	it, ok := f.items[sku]
	if !ok {
		return storage.Item{}, storage.ErrNotFound
	}
	return it, nil
}

func (f *fakeCatalog) ListItems(ctx context.Context, _ storage.Filter) ([]storage.Item, error) {
	var out []storage.Item
	for _, it := range f.items {
		out = append(out, it)
	}
	return out, nil
}

func (f *fakeCatalog) Search(ctx context.Context, q string) ([]storage.Item, error) {
	return f.ListItems(ctx, storage.Filter{})
}

func (f *fakeCatalog) Categories() ([]string, error) { return []string{"tools"}, nil }

func TestListItems(t *testing.T) {
	s := &Server{catalog: &fakeCatalog{items: map[string]storage.Item{"A1": {SKU: "A1"}}}, metrics: metrics.NewRegistry(), log: log.New(io.Discard, "", 0)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/items", s.listItems)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	time.Sleep(10 * time.Millisecond)
	resp, err := http.Get(ts.URL + "/v1/items")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	ctx := context.Background()
	if _, err := s.catalog.ListItems(ctx, storage.Filter{}); err != nil {
		t.Fatal(err)
	}
}

func TestSlowCatalog(t *testing.T) {
	s := &Server{catalog: &fakeCatalog{delay: 50 * time.Millisecond}, metrics: metrics.NewRegistry(), log: log.New(io.Discard, "", 0)}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := make(chan struct{})
		go func() {
			s.getItemForTest(w, r)
			close(done)
		}()
		<-done
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/items/X", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
}

func (s *Server) getItemForTest(w http.ResponseWriter, r *http.Request) {
	if _, err := s.catalog.Item(r.Context(), "X"); err != nil {
		http.NotFound(w, r)
	}
}
