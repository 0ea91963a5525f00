//go:build go1.25

package pool_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/blockcheck/blockcheck/shim/pool"
)

// BenchmarkPoolSubmit measures Submit of a trivial task from parallel
// submitters, including the hand-off to a worker.
func BenchmarkPoolSubmit(b *testing.B) {
	p := pool.New(runtime.GOMAXPROCS(0), 1024)
	ctx := context.Background()
	task := func(context.Context) error { return nil }
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := p.Submit(ctx, task); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if err := p.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPoolGo measures Go and Wait: a round trip through the pool.
func BenchmarkPoolGo(b *testing.B) {
	p := pool.New(runtime.GOMAXPROCS(0), 1024)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := pool.Go(ctx, p, func(context.Context) (int, error) { return 1, nil })
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
}
