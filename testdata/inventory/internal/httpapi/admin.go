package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"

	"example.com/inventory/internal/clients"
	"example.com/inventory/internal/jobs"
)

func (s *Server) reindex(w http.ResponseWriter, r *http.Request) {
	s.jobs.Enqueue(jobs.Job{Kind: jobs.KindReindex})
	s.audit(r, "admin.reindex", "items")
	w.WriteHeader(http.StatusAccepted)
}

// startImport saves the uploaded CSV and queues it for the workers.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request) {
	f, err := os.CreateTemp("", "import-*.csv")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := io.Copy(f, http.MaxBytesReader(w, r.Body, 64<<20)); err != nil {
		f.Close()
		os.Remove(f.Name())
		http.Error(w, "upload failed: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := f.Close(); err != nil {
		s.fail(w, r, err)
		return
	}
	s.jobs.Enqueue(jobs.Job{Kind: jobs.KindImport, Ref: f.Name()})
	s.audit(r, "admin.import", f.Name())
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) startReport(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = "low-stock"
	}
	rep, err := s.reports.Start(r.Context(), kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/admin/reports/"+rep.ID)
	writeJSON(w, http.StatusAccepted, map[string]string{"id": rep.ID})
}

// reportStatus tells whether a report is ready; with ?wait it long-polls until it is.
func (s *Server) reportStatus(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.reports.Get(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Has("wait") {
		<-rep.Done() // want `chanwait: channel receive .*reached from GET /admin/reports/\{id\} \(Server.reportStatus\); fix`
	}
	status := "running"
	select {
	case <-rep.Done():
		status = "done"
		if _, err := rep.Result(); err != nil {
			status = "failed: " + err.Error()
		}
	default:
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": rep.ID, "status": status})
}

// downloadReport waits up to 30 seconds for the report, then serves it.
func (s *Server) downloadReport(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.reports.Get(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	select {
	case <-rep.Done():
	case <-r.Context().Done():
		return
	case <-time.After(30 * time.Second):
		w.Header().Set("Retry-After", "30")
		http.Error(w, "report not ready", http.StatusAccepted)
		return
	}
	path, err := rep.Result()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", rep.Kind+".csv"))
	http.ServeFile(w, r, path)
}

// backup streams a pg_dump of the database to the caller.
func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	cmd := exec.Command("pg_dump", "--format=custom", "--no-owner", os.Getenv("DATABASE_URL"))
	cmd.Stdout = w
	cmd.Stderr = os.Stderr
	w.Header().Set("Content-Type", "application/octet-stream")
	if err := cmd.Start(); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "admin.backup", "database")
	if err := cmd.Wait(); err != nil { // want `nocancel: \(\*exec.Cmd\).Wait .*reached from POST /admin/backup \(Server.backup\); fix`
		s.log.Printf("backup: %v", err)
	}
}

// recount reconciles every warehouse in parallel.
func (s *Server) recount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	whs, err := s.store.Warehouses(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var wg sync.WaitGroup
	errs := make([]error, len(whs))
	for i, wh := range whs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.store.Recount(ctx, wh.ID)
		}()
	}
	wg.Wait() // the goroutines only run queries under the request's context: bounded
	if err := errors.Join(errs...); err != nil {
		s.fail(w, r, err)
		return
	}
	s.cache.Flush()
	s.audit(r, "admin.recount", fmt.Sprintf("%d warehouses", len(whs)))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) flushCache(w http.ResponseWriter, r *http.Request) {
	s.cache.Flush()
	s.audit(r, "admin.cache.flush", "catalog")
	w.WriteHeader(http.StatusNoContent)
}

// syncSupplier pulls a supplier's catalog now, retrying with a backoff while the caller waits.
func (s *Server) syncSupplier(w http.ResponseWriter, r *http.Request) {
	sp, err := s.store.SupplierByID(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	var entries []clients.CatalogEntry
	for attempt := range 3 {
		actx, cancel := context.WithTimeout(ctx, 20*time.Second)
		entries, err = s.suppliers.FetchCatalog(actx, sp.BaseURL)
		cancel()
		if err == nil {
			break
		}
		select {
		case <-time.After(time.Duration(attempt+1) * time.Second):
		case <-ctx.Done():
			return
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	skus, costs := make([]string, len(entries)), make([]int, len(entries))
	for i, e := range entries {
		skus[i], costs[i] = e.SKU, e.CostCents
	}
	if err := s.store.UpsertSupplierItems(ctx, sp.ID, skus, costs); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "admin.supplier.sync", sp.ID)
	writeJSON(w, http.StatusOK, map[string]int{"items": len(entries)})
}
