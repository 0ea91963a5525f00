//go:build go1.25

package adaptive_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/blockcheck/blockcheck/shim/adaptive"
	"github.com/blockcheck/blockcheck/shim/deadline"
)

// TestPermitHeldPastDeadline checks both orders of the limiter and the
// deadline: a handler that ignores its context keeps its permit after the
// deadline has answered its client, so the bound counts handlers that really
// run, and the deadline's 503 counts as a drop.
func TestPermitHeldPastDeadline(t *testing.T) {
	for _, order := range []string{"adaptive(deadline(h))", "deadline(adaptive(h))"} {
		t.Run(order, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := adaptive.New(adaptive.AIMD{Backoff: 0.5}, adaptive.WithBounds(2, 4), adaptive.WithInitial(4))
				release := make(chan struct{})
				ended := make(chan struct{}, 4)
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					defer func() { ended <- struct{}{} }()
					<-release // ignores its context
				})
				var top http.Handler
				if order == "adaptive(deadline(h))" {
					top = l.Middleware(deadline.Middleware(time.Second, h))
				} else {
					top = deadline.Middleware(time.Second, l.Middleware(h))
				}
				serve := func() *httptest.ResponseRecorder {
					rec := httptest.NewRecorder()
					top.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
					return rec
				}
				var clients sync.WaitGroup
				for range 4 {
					clients.Go(func() {
						rec := serve()
						assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "answered at the deadline")
						assert.NotEmpty(t, rec.Header().Get("Retry-After"))
					})
				}
				clients.Wait() // all answered at 1 s; their handlers still run
				assert.Equal(t, 4, l.InFlight(), "permits are held while the handlers run")
				rec := serve()
				assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
				assert.True(t, strings.Contains(rec.Body.String(), "concurrency limit"), "refused by the limiter: %q", rec.Body)

				close(release)
				for range 4 {
					<-ended
				}
				synctest.Wait()
				assert.Zero(t, l.InFlight())
				if order == "adaptive(deadline(h))" {
					assert.Equal(t, 2, l.Limit(), "the deadline's 503s are drops")
				}
			})
		})
	}
}
