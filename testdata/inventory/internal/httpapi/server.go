// Package httpapi is the inventory service's HTTP API: the public API on Handler and the admin API, on its own
// internal listener, on AdminHandler.
package httpapi

import (
	"context"
	"log"
	"net/http"
	"time"

	"example.com/inventory/internal/cache"
	"example.com/inventory/internal/clients"
	"example.com/inventory/internal/events"
	"example.com/inventory/internal/jobs"
	"example.com/inventory/internal/metrics"
	"example.com/inventory/internal/notify"
	"example.com/inventory/internal/storage"
)

// Catalog is the read side of the item catalog: the store itself, or the cache in front of it.
type Catalog interface {
	Item(ctx context.Context, sku string) (storage.Item, error)
	ListItems(ctx context.Context, f storage.Filter) ([]storage.Item, error)
	Search(ctx context.Context, q string) ([]storage.Item, error)
	Categories() ([]string, error)
}

// Deps are the server's collaborators, made in main.
type Deps struct {
	Store     *storage.Store
	Catalog   Catalog
	Cache     *cache.Catalog
	Pricing   *clients.Pricing
	Tax       *clients.Tax
	Shipping  *clients.Shipping
	Suppliers *clients.Suppliers
	Notifier  notify.Notifier
	Broker    *events.Broker
	Jobs      *jobs.Queue
	Reports   *jobs.Reports
	Metrics   *metrics.Registry
	HookKey   []byte
	Log       *log.Logger
}

type Server struct {
	store     *storage.Store
	catalog   Catalog
	cache     *cache.Catalog
	pricing   *clients.Pricing
	tax       *clients.Tax
	shipping  *clients.Shipping
	suppliers *clients.Suppliers
	notifier  notify.Notifier
	broker    *events.Broker
	jobs      *jobs.Queue
	reports   *jobs.Reports
	metrics   *metrics.Registry
	hookKey   []byte
	log       *log.Logger
	version   string
}

func New(d Deps) *Server {
	return &Server{
		store: d.Store, catalog: d.Catalog, cache: d.Cache, pricing: d.Pricing, tax: d.Tax, shipping: d.Shipping,
		suppliers: d.Suppliers, notifier: d.Notifier, broker: d.Broker, jobs: d.Jobs, reports: d.Reports,
		metrics: d.Metrics, hookKey: d.HookKey, log: d.Log, version: "2024.11.3",
	}
}

// Handler is the public API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /v1/version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"version": s.version})
	})

	mux.HandleFunc("GET /v1/items", s.listItems)
	mux.HandleFunc("POST /v1/items", s.createItem)
	mux.HandleFunc("GET /v1/items/{sku}", s.getItem)
	mux.HandleFunc("PUT /v1/items/{sku}", s.updateItem)
	mux.HandleFunc("DELETE /v1/items/{sku}", s.deleteItem)
	mux.Handle("GET /v1/items/{sku}/image", s.limit(4, http.HandlerFunc(s.itemImage)))
	mux.HandleFunc("GET /v1/items/{sku}/history", s.itemHistory)
	mux.Handle("GET /v1/search", http.TimeoutHandler(http.HandlerFunc(s.search), 3*time.Second, "search timed out"))
	mux.HandleFunc("GET /v1/categories", s.categories)
	mux.HandleFunc("POST /v1/quotes", s.bulkQuote)
	mux.Handle("GET /v1/export.csv", exportHandler{store: s.store})

	mux.HandleFunc("GET /v1/stock/{sku}", s.stockLevels)
	mux.HandleFunc("POST /v1/stock/{sku}/adjust", s.adjustStock)
	mux.HandleFunc("POST /v1/stock/transfer", s.transfer)
	mux.HandleFunc("GET /v1/stock/low", s.lowStock)
	mux.HandleFunc("GET /v1/stock/events", s.stockEvents)
	mux.HandleFunc("POST /v1/reservations", s.reserve)

	mux.HandleFunc("POST /v1/orders", s.createOrder)
	mux.HandleFunc("GET /v1/orders/{id}", s.getOrder)
	mux.HandleFunc("POST /v1/orders/{id}/cancel", s.cancelOrder)
	mux.HandleFunc("GET /v1/orders/{id}/shipping-rates", s.shippingRates)
	mux.HandleFunc("POST /v1/orders/{id}/ship", s.shipOrder)
	mux.HandleFunc("GET /v1/orders/{id}/invoice", s.invoice)
	mux.HandleFunc("POST /v1/customers", s.createCustomer)

	mux.HandleFunc("GET /v1/suppliers", s.listSuppliers)
	mux.HandleFunc("GET /v1/suppliers/{id}/catalog", s.supplierCatalog)
	mux.HandleFunc("GET /v1/suppliers/{id}/health", s.supplierHealth)
	mux.Handle("POST /hooks/supplier", &supplierHook{key: s.hookKey, jobs: s.jobs, log: s.log})

	return s.recoverer(s.logRequests(s.withRequestID(mux)))
}

type route struct {
	pattern string
	handler http.HandlerFunc
}

// adminRoutes is the admin API. Every route requires an admin API key.
func (s *Server) adminRoutes() []route {
	return []route{
		{"POST /admin/reindex", s.reindex},
		{"POST /admin/imports", s.startImport},
		{"POST /admin/reports", s.startReport},
		{"GET /admin/reports/{id}", s.reportStatus},
		{"GET /admin/reports/{id}/download", s.downloadReport},
		{"POST /admin/backup", s.backup},
		{"POST /admin/stock/recount", s.recount},
		{"POST /admin/cache/flush", s.flushCache},
		{"POST /admin/suppliers/{id}/sync", s.syncSupplier},
	}
}

// AdminHandler is the admin API, served on the internal listener.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.adminRoutes() {
		mux.Handle(rt.pattern, s.requireAdmin(rt.handler))
	}
	return s.recoverer(s.logRequests(s.withRequestID(mux)))
}
