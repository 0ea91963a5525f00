//go:build go1.25

package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/ratelimit"
)

// TestWait runs on synctest's fake clock: Wait takes a free token at once,
// waits exactly until the next one, refuses at once a wait that would outlast
// the deadline, and gives the token back when its context ends.
func TestWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := ratelimit.New(rate.Every(time.Second), 1, ratelimit.WithKey(ratelimit.Header("K")))
		start := time.Now()
		if err := l.Wait(t.Context(), "a"); err != nil || time.Since(start) != 0 {
			t.Fatalf("first Wait = %v after %v, want a token at once", err, time.Since(start))
		}
		if err := l.Wait(t.Context(), "a"); err != nil || time.Since(start) != time.Second {
			t.Fatalf("second Wait = %v after %v, want a token after 1s", err, time.Since(start))
		}

		// The next token is a second away: a half-second deadline is
		// refused without waiting.
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		defer cancel()
		before := time.Now()
		if err := l.Wait(ctx, "a"); !errors.Is(err, ratelimit.ErrLimited) || time.Since(before) != 0 {
			t.Fatalf("Wait = %v after %v, want ErrLimited at once", err, time.Since(before))
		}

		// A wait cut short by cancellation gives its token back.
		ctx2, cancel2 := context.WithCancel(t.Context())
		got := make(chan error)
		go func() { got <- l.Wait(ctx2, "a") }()
		synctest.Wait()
		cancel2()
		if err := <-got; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Wait = %v", err)
		}
		time.Sleep(time.Second)
		if ok, _ := l.Allow("a"); !ok {
			t.Fatal("the cancelled wait kept its token")
		}
		// Other keys are untouched.
		if ok, _ := l.Allow("b"); !ok {
			t.Fatal("key b limited")
		}
	})
}

func ExampleLimiter_Wait() {
	// Pace calls to a partner API that allows 5 a second, waiting up to
	// 30 seconds for a turn rather than failing.
	l := ratelimit.New(5, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 3 {
		if err := l.Wait(ctx, ""); err != nil {
			fmt.Println("gave up:", err)
			return
		}
		fmt.Println("call", i)
	}
	// Output:
	// call 0
	// call 1
	// call 2
}

// BenchmarkMemoryMillionKeys measures the heap a per-key limiter holds with a
// million live keys (WithMaxKeys(1_000_000), keys as ClientIP makes them for
// distinct IPv4 clients). It reports bytes per key; run it with
//
//	cd shim && go test -run '^$' -bench MemoryMillionKeys -benchtime 1x ./ratelimit/
func BenchmarkMemoryMillionKeys(b *testing.B) {
	const keys = 1_000_000
	names := make([]string, keys)
	for i := range names {
		names[i] = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	}
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l := ratelimit.New(10, 20, ratelimit.WithKey(ratelimit.Header("K")), ratelimit.WithMaxKeys(keys))
		for _, k := range names {
			l.Allow(k)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if l.Len() < keys*9/10 {
			b.Fatalf("only %d keys held", l.Len())
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(l.Len()), "bytes/key")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB")
		runtime.KeepAlive(l)
	}
}
