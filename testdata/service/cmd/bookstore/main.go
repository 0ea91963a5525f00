package main

import (
	"context"
	"database/sql"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"time"

	"example.com/bookstore/internal/api"
	"example.com/bookstore/internal/mail"
	"example.com/bookstore/internal/payments"
	"example.com/bookstore/internal/store"
)

func main() {
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	st := store.New(db)
	if err := st.Migrate(); err != nil {
		log.Fatal(err)
	}
	srv := api.New(st, payments.New(os.Getenv("PAYMENTS_URL")), mail.New("localhost:25", "shop@example.com"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go srv.Reindexer(ctx)
	go func() {
		log.Println(http.ListenAndServe("localhost:6060", nil)) // pprof, on loopback
	}()
	hs := &http.Server{
		Addr:              ":8080",
		Handler:           srv.Routes(),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	metrics := &http.Server{Addr: ":9090", Handler: http.NotFoundHandler()} // want `servertimeout: \(\*http.Server\).ListenAndServe`
	go metrics.ListenAndServe()
	if err := hs.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
