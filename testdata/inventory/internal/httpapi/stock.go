package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"example.com/inventory/internal/events"
	"example.com/inventory/internal/notify"
	"example.com/inventory/internal/storage"
)

const lowStockThreshold = 5

func (s *Server) stockLevels(w http.ResponseWriter, r *http.Request) {
	it, ok := s.loadItem(w, r)
	if !ok {
		return
	}
	levels, err := s.store.StockLevels(r.Context(), it.SKU)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, levels)
}

func (s *Server) adjustStock(w http.ResponseWriter, r *http.Request) {
	it, ok := s.loadItem(w, r)
	if !ok {
		return
	}
	var in struct {
		Warehouse string `json:"warehouse"`
		Delta     int    `json:"delta"`
		Reason    string `json:"reason"`
	}
	if !decode(w, r, &in) {
		return
	}
	ctx := r.Context()
	level, err := s.store.AdjustStock(ctx, it.SKU, in.Warehouse, in.Delta)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "stock.adjust:"+in.Reason, it.SKU)
	s.broker.Publish(events.StockChanged{SKU: it.SKU, Warehouse: in.Warehouse, Available: level.Available(), At: time.Now()})
	if level.Available() < lowStockThreshold && in.Delta < 0 {
		ev := notify.Event{Kind: "stock.low", Subject: it.SKU, Detail: fmt.Sprintf("%d left in %s", level.Available(), in.Warehouse), At: time.Now()}
		if err := s.notifier.Notify(ctx, ev); err != nil {
			s.log.Printf("notify low stock %s: %v", it.SKU, err)
		}
	}
	writeJSON(w, http.StatusOK, level)
}

// transfer retries serialization failures, backing off while watching the request.
func (s *Server) transfer(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SKU      string `json:"sku"`
		From, To string
		Qty      int `json:"qty"`
	}
	if !decode(w, r, &in) {
		return
	}
	ctx := r.Context()
	var err error
	for attempt := range 3 {
		if err = s.store.Transfer(ctx, in.SKU, in.From, in.To, in.Qty); !storage.IsSerializationFailure(err) {
			break
		}
		select {
		case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
		case <-ctx.Done():
			return
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "stock.transfer", in.SKU)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) lowStock(w http.ResponseWriter, r *http.Request) {
	levels, err := s.store.LowStock(lowStockThreshold)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, levels)
}

// stockEvents streams stock changes as server-sent events until the client goes away.
func (s *Server) stockEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	sub := s.broker.Subscribe()
	defer s.broker.Unsubscribe(sub)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher.Flush()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	filter := r.URL.Query().Get("sku")
	for {
		select {
		case ev := <-sub:
			if filter != "" && ev.SKU != filter {
				continue
			}
			b, _ := json.Marshal(ev)
			fmt.Fprintf(w, "event: stock\ndata: %s\n\n", b)
		case <-heartbeat.C:
			fmt.Fprint(w, ": ping\n\n")
		case <-r.Context().Done():
			return
		}
		flusher.Flush()
	}
}

func (s *Server) reserve(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OrderRef string         `json:"order_ref"`
		Lines    []storage.Line `json:"lines"`
	}
	if !decode(w, r, &in) {
		return
	}
	id, err := s.store.Reserve(r.Context(), in.OrderRef, in.Lines)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"reservation": strconv.FormatInt(id, 10)})
}
