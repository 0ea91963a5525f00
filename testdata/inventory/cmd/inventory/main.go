// Command inventory serves the inventory API.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"example.com/inventory/internal/cache"
	"example.com/inventory/internal/clients"
	"example.com/inventory/internal/events"
	"example.com/inventory/internal/httpapi"
	"example.com/inventory/internal/jobs"
	"example.com/inventory/internal/metrics"
	"example.com/inventory/internal/notify"
	"example.com/inventory/internal/storage"
)

// init gives the Cloud SQL proxy sidecar time to come up where the platform cannot order containers.
func init() {
	if v := os.Getenv("STARTUP_DELAY"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			time.Sleep(d)
		}
	}
}

func main() {
	var (
		addr        = flag.String("addr", ":8080", "public API address")
		adminAddr   = flag.String("admin-addr", ":8081", "admin API address (internal network only)")
		metricsAddr = flag.String("metrics-addr", ":9100", "metrics address")
		workers     = flag.Int("workers", 4, "background workers")
	)
	flag.Parse()
	logger := log.New(os.Stderr, "inventory ", log.LstdFlags|log.Lmsgprefix)

	st, err := storage.Open(os.Getenv("DATABASE_URL"), os.Getenv("REPLICA_URL"))
	if err != nil {
		logger.Fatal(err)
	}
	waitForDB(st, logger)
	if err := st.Migrate(); err != nil {
		logger.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	catalog := cache.New(st, time.Minute)
	var notifiers notify.Multi
	if hooks := os.Getenv("PARTNER_WEBHOOKS"); hooks != "" {
		notifiers = append(notifiers, notify.NewWebhook(strings.Split(hooks, ",")))
	}
	if url := os.Getenv("SLACK_WEBHOOK_URL"); url != "" {
		notifiers = append(notifiers, notify.NewSlack(url))
	}
	queue := jobs.NewQueue(1000)
	reports := jobs.NewReports(queue)
	reg := metrics.NewRegistry()
	reg.Gauge("jobs_queued", func() int64 { return int64(queue.Len()) })
	suppliers := clients.NewSuppliers()

	api := httpapi.New(httpapi.Deps{
		Store:     st,
		Catalog:   catalog,
		Cache:     catalog,
		Pricing:   clients.NewPricing(os.Getenv("PRICING_URL")),
		Tax:       clients.NewTax(os.Getenv("TAX_URL")),
		Shipping:  clients.NewShipping(os.Getenv("SHIPPING_URL"), os.Getenv("SHIPPING_TOKEN")),
		Suppliers: suppliers,
		Notifier:  notifiers,
		Broker:    events.NewBroker(),
		Jobs:      queue,
		Reports:   reports,
		Metrics:   reg,
		HookKey:   []byte(os.Getenv("SUPPLIER_HOOK_KEY")),
		Log:       logger,
	})

	var bg sync.WaitGroup
	for range *workers {
		w := &jobs.Worker{Q: queue, Store: st, Suppliers: suppliers, OutDir: os.TempDir()}
		bg.Add(1)
		go func() {
			defer bg.Done()
			w.Run(ctx)
		}()
	}
	bg.Add(2)
	go func() { defer bg.Done(); catalog.RefreshLoop(ctx) }()
	go func() { defer bg.Done(); reports.Prune(ctx) }()

	go func() {
		logger.Println(http.ListenAndServe("localhost:6060", nil)) // pprof
	}()
	go func() {
		if err := metrics.Serve(*metricsAddr, reg); err != nil {
			logger.Printf("metrics: %v", err)
		}
	}()

	public := &http.Server{
		Addr:              *addr,
		Handler:           api.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          logger,
	}
	admin := &http.Server{
		Addr:        *adminAddr,
		Handler:     api.AdminHandler(),
		ReadTimeout: 30 * time.Second,
	}
	errc := make(chan error, 2)
	go func() { errc <- public.ListenAndServe() }()
	go func() { errc <- admin.ListenAndServe() }()
	logger.Printf("serving on %s, admin on %s", *addr, *adminAddr)

	select {
	case err := <-errc:
		logger.Printf("server: %v", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, srv := range []*http.Server{public, admin} {
		if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Printf("shutdown: %v", err)
		}
	}
	stop()
	bg.Wait()
}

// waitForDB retries until the database answers, for up to a minute.
func waitForDB(st *storage.Store, logger *log.Logger) {
	for attempt := 1; ; attempt++ {
		err := st.Ping()
		if err == nil {
			return
		}
		if attempt == 30 {
			logger.Fatalf("database not reachable: %v", err)
		}
		logger.Printf("waiting for database: %v", err)
		time.Sleep(2 * time.Second)
	}
}
