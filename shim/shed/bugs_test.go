//go:build go1.25

package shed_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blockcheck/blockcheck/shim/deadline"
	"github.com/blockcheck/blockcheck/shim/shed"
)

// TestReleaseIsIdempotent is the regression test for a release called twice,
// which gave back a slot it did not hold and so widened the limit.
func TestReleaseIsIdempotent(t *testing.T) {
	s := shed.New(1)
	release, err := s.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Acquire(t.Context()) // shed: the only slot is taken
	if err == nil {
		other()
		t.Fatal("second Acquire got a slot")
	}
	release()
	second, err := s.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	release() // again: must not give back the slot second holds
	if _, err := s.Acquire(t.Context()); err == nil {
		t.Fatal("a second release of the same slot widened the limit to 2")
	}
	if got := s.InFlight(); got != 1 {
		t.Fatalf("InFlight = %d, want 1", got)
	}
	second()
}

// TestExpiredWaitAnswers503 is the regression test for a wait for a slot ended
// by an outer deadline: the client got an empty 200 OK instead of 503 with
// Retry-After.
func TestExpiredWaitAnswers503(t *testing.T) {
	s := shed.New(1, shed.WithWait(time.Hour))
	release, err := s.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	h := s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("handler ran") }))
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An outer timeout, such as a proxy's or http.TimeoutHandler's,
		// that has passed while the request waited.
		ctx, cancel := context.WithDeadline(r.Context(), time.Now().Add(-time.Second))
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
	srv := httptest.NewServer(outer)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("got %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestBoundHeldWithDeadline is the regression test for shed(deadline(h)):
// deadline returned at its timeout while the handler's goroutine still ran,
// so the slot was freed early and more handlers ran at once than the limit.
// Both orders are checked on a loopback server: the bound holds whatever the
// order, because the slot is held until the handler really ends.
func TestBoundHeldWithDeadline(t *testing.T) {
	const limit = 2
	for _, order := range []string{"shed(deadline(h))", "deadline(shed(h))"} {
		t.Run(order, func(t *testing.T) {
			s := shed.New(limit)
			var cur, peak atomic.Int64
			var running sync.WaitGroup
			entered := make(chan struct{}, 4*limit)
			release := make(chan struct{})
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				running.Add(1)
				defer running.Done()
				n := cur.Add(1)
				defer cur.Add(-1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				entered <- struct{}{}
				<-release // ignores its context, as the handlers blockcheck reports do
			})
			var top http.Handler
			if order == "shed(deadline(h))" {
				top = s.Middleware(deadline.Middleware(20*time.Millisecond, h))
			} else {
				top = deadline.Middleware(20*time.Millisecond, s.Middleware(h))
			}
			srv := httptest.NewServer(top)
			defer srv.Close()
			defer running.Wait()
			defer close(release)
			client := srv.Client()
			get := func() *http.Response {
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp
			}

			// Fill the slots; the deadline answers these clients while
			// their handlers go on running.
			var first sync.WaitGroup
			for range limit {
				first.Add(1)
				go func() {
					defer first.Done()
					if resp := get(); resp.StatusCode != http.StatusServiceUnavailable {
						t.Errorf("timed-out request: %d, want 503", resp.StatusCode)
					}
				}()
			}
			for range limit {
				<-entered
			}
			first.Wait()
			// The handlers still hold the slots: newcomers are shed.
			for range 2 * limit {
				resp := get()
				if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
					t.Errorf("newcomer: %d, Retry-After %q; want 503 with Retry-After",
						resp.StatusCode, resp.Header.Get("Retry-After"))
				}
			}
			if p := peak.Load(); p > limit {
				t.Errorf("%d handlers ran at once under a limit of %d", p, limit)
			}
		})
	}
}
