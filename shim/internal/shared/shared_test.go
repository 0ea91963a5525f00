package shared

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	for d, want := range map[time.Duration]string{
		math.MinInt64:    "1",
		-time.Second:     "1",
		0:                "1",
		time.Nanosecond:  "1",
		time.Second:      "1",
		time.Second + 1:  "2",
		90 * time.Second: "90",
		math.MaxInt64:    "2147483647",
		time.Duration(math.MaxInt32+1) * time.Second: "2147483647",
	} {
		if got := RetryAfter(d); got != want {
			t.Errorf("RetryAfter(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestLRU(t *testing.T) {
	l := NewLRU[string, int](2)
	l.Put("a", 1)
	l.Put("b", 2)
	l.Put("c", 3)
	if v, ok := l.Get("a"); !ok || v != 1 {
		t.Fatalf("Get(a) = %v, %v", v, ok)
	}
	// Order now, oldest first: b, c, a.
	for _, want := range []string{"b", "c"} {
		k, _, ok := l.RemoveOldest()
		if !ok || k != want {
			t.Fatalf("RemoveOldest = %q, %v; want %q", k, ok, want)
		}
	}
	l.Put("d", 4) // reuses a freed node
	if _, ok := l.Remove("a"); !ok {
		t.Fatal("Remove(a) found nothing")
	}
	k, v, ok := l.Oldest()
	if !ok || k != "d" || v != 4 || l.Len() != 1 {
		t.Fatalf("Oldest = %q %v %v, Len %d", k, v, ok, l.Len())
	}
	l.RemoveOldest()
	if _, _, ok := l.Oldest(); ok || l.Len() != 0 {
		t.Fatal("not empty")
	}
}

func TestCallbackRecovers(t *testing.T) {
	perr := Callback("test: handler", func() { panic(http.ErrAbortHandler) })
	if perr == nil || !errors.Is(perr, http.ErrAbortHandler) {
		t.Fatalf("Callback = %v", perr)
	}
	if Callback("x", func() {}) != nil {
		t.Fatal("no panic, yet an error")
	}
}

func TestLifetimeNested(t *testing.T) {
	var outerDone, innerDone bool
	ctx, outer := WithLifetime(context.Background(), func() { outerDone = true })
	ctx, inner := WithLifetime(ctx, func() { innerDone = true })
	goroutine := Hold(ctx)
	inner.Release()
	outer.Release()
	if outerDone || innerDone {
		t.Fatal("released while a goroutine still holds")
	}
	goroutine()
	goroutine() // idempotent
	if !outerDone || !innerDone {
		t.Fatalf("outer %v inner %v, want both released", outerDone, innerDone)
	}
}
