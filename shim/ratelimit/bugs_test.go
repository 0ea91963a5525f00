//go:build go1.25

package ratelimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/ratelimit"
)

// TestIPv6RotationInOnePrefix is the regression test for an IPv6 client
// evading its limit by rotating addresses inside its /64 (100 of 100 requests
// went through a limit of 1): IPv6 clients are keyed by their /64.
func TestIPv6RotationInOnePrefix(t *testing.T) {
	l := ratelimit.New(rate.Every(time.Hour), 1, ratelimit.WithKey(ratelimit.ClientIP()))
	h := l.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	passed := 0
	for i := range 100 {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = fmt.Sprintf("[2001:db8:1:2:%x:%x::1]:443", (i*7919)&0xffff, i)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code == http.StatusOK {
			passed++
		}
	}
	if passed != 1 {
		t.Fatalf("%d of 100 requests from one /64 went through a limit of 1", passed)
	}
	// Another /64 is another client.
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8:1:3::1]:443"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("a client in another /64 got %d", w.Code)
	}
}

// TestXRealIPTrustedOnlyWhenConfigured: a trusted proxy's X-Real-IP used to
// be believed always; many proxies pass a client's own X-Real-IP through, so
// it now counts only with TrustXRealIP.
func TestXRealIPTrustedOnlyWhenConfigured(t *testing.T) {
	proxy := ratelimit.TrustedProxies(ratelimitPrefix(t, "10.0.0.0/8"))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.1.2.3:4000"
	r.Header.Set("X-Real-IP", "198.51.100.10")
	if got := ratelimit.ClientIPWith(proxy)(r); got != "10.1.2.3" {
		t.Errorf("X-Real-IP not configured: key %q, want the proxy's address", got)
	}
	if got := ratelimit.ClientIPWith(proxy, ratelimit.TrustXRealIP())(r); got != "198.51.100.10" {
		t.Errorf("X-Real-IP configured: key %q", got)
	}
}

func ratelimitPrefix(t *testing.T, s string) netip.Prefix {
	t.Helper()
	ps, err := ratelimit.ParsePrefixes(s)
	if err != nil {
		t.Fatal(err)
	}
	return ps[0]
}
