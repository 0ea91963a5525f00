package errgrp

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

func fetch(ctx context.Context, id int) error {
	t := time.NewTimer(time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fanout joins its goroutines with errgroup: bounded, and g.Go is not a go statement of the handler's.
func fanout(w http.ResponseWriter, r *http.Request) {
	g, ctx := errgroup.WithContext(r.Context())
	for i := range 3 {
		g.Go(func() error { return fetch(ctx, i) })
	}
	_ = g.Wait()
}

var sem = semaphore.NewWeighted(4)

// weighted starts its goroutine under a semaphore.
func weighted(w http.ResponseWriter, r *http.Request) {
	if err := sem.Acquire(r.Context(), 1); err != nil {
		return
	}
	go func() {
		defer sem.Release(1)
		_ = fetch(context.WithoutCancel(r.Context()), 0)
	}()
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/fanout", fanout)
	mux.HandleFunc("/weighted", weighted)
}
