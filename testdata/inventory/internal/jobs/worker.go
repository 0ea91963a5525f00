package jobs

import (
	"context"
	"encoding/csv"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"example.com/inventory/internal/clients"
	"example.com/inventory/internal/storage"
)

// Worker takes jobs off the queue. main starts a handful of them.
type Worker struct {
	Q         *Queue
	Store     *storage.Store
	Suppliers *clients.Suppliers
	OutDir    string
}

func (w *Worker) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-w.Q.ch:
			w.handle(ctx, j)
		}
	}
}

// handle retries a failed job a few times, backing off, before giving up on it.
func (w *Worker) handle(ctx context.Context, j Job) {
	for attempt := 1; ; attempt++ {
		err := w.process(ctx, j)
		if err == nil {
			w.Store.MarkJobDone(string(j.Kind), j.Ref)
			return
		}
		if attempt == 5 {
			log.Printf("jobs: %s %s: giving up: %v", j.Kind, j.Ref, err)
			if j.Report != nil {
				j.Report.finish("", err)
			}
			return
		}
		time.Sleep(time.Duration(attempt*attempt) * time.Second)
	}
}

func (w *Worker) process(ctx context.Context, j Job) error {
	switch j.Kind {
	case KindReindex:
		return w.Store.Reindex()
	case KindImport:
		return w.importFile(ctx, j.Ref)
	case KindReport:
		path, err := w.lowStockReport(ctx, j.Report)
		if err == nil {
			j.Report.finish(path, nil)
		}
		return err
	case KindSupplierSync:
		sp, err := w.Store.SupplierByID(j.Ref)
		if err != nil {
			return err
		}
		entries, err := w.Suppliers.FetchCatalog(ctx, sp.BaseURL)
		if err != nil {
			return err
		}
		skus, costs := make([]string, len(entries)), make([]int, len(entries))
		for i, e := range entries {
			skus[i], costs[i] = e.SKU, e.CostCents
		}
		return w.Store.UpsertSupplierItems(ctx, sp.ID, skus, costs)
	}
	return fmt.Errorf("jobs: unknown kind %q", j.Kind)
}

// importFile reads a CSV of sku,name,category,price and creates the items that do not exist yet.
func (w *Worker) importFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	defer os.Remove(path)
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if len(rec) != 4 {
			continue
		}
		if _, err := w.Store.ItemBySKU(rec[0]); err == nil {
			continue
		}
		price, _ := strconv.Atoi(rec[3])
		if err := w.Store.CreateItem(ctx, storage.Item{SKU: rec[0], Name: rec[1], Category: rec[2], PriceCents: price}); err != nil {
			return err
		}
	}
	return nil
}

func (w *Worker) lowStockReport(ctx context.Context, rep *Report) (string, error) {
	levels, err := w.Store.LowStock(5)
	if err != nil {
		return "", err
	}
	path := filepath.Join(w.OutDir, rep.ID+".csv")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	cw := csv.NewWriter(f)
	for _, l := range levels {
		_ = cw.Write([]string{l.SKU, l.Warehouse, strconv.Itoa(l.Available())})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}
