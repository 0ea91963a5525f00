//go:build go1.25

package cache_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/blockcheck/blockcheck/shim/cache"
)

// get sends a GET with the given cookie (none if empty) over loopback.
func get(t *testing.T, srv *httptest.Server, cookie string) (status int, body, xcache string) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+"/account", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header.Get("X-Cache")
}

// TestCookieRequestsNotShared is the regression test for the cache serving
// one user's cookie-authenticated page to another: requests with a Cookie
// bypass the cache unless the response is explicitly public or the user opts
// in.
func TestCookieRequestsNotShared(t *testing.T) {
	account := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("session")
		if err != nil {
			_, _ = io.WriteString(w, "welcome, guest")
			return
		}
		_, _ = io.WriteString(w, "account of "+c.Value)
	})
	c := cache.New()
	srv := httptest.NewServer(c.Middleware(account))
	defer srv.Close()

	if _, body, _ := get(t, srv, "session=alice"); body != "account of alice" {
		t.Fatalf("alice got %q", body)
	}
	if _, body, x := get(t, srv, "session=bob"); body != "account of bob" {
		t.Fatalf("bob got %q (X-Cache %s): alice's private page", body, x)
	}
	if _, body, _ := get(t, srv, ""); body != "welcome, guest" {
		t.Fatalf("a guest got %q", body)
	}
	if _, body, _ := get(t, srv, "session=carol"); body != "account of carol" {
		t.Fatalf("carol got %q: the guest page", body)
	}
	if s := c.Stats(); s.Bypassed != 3 {
		t.Errorf("Bypassed = %d, want the 3 cookie requests", s.Bypassed)
	}

	// Explicitly public responses are shared whatever the cookies.
	public := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60")
		_, _ = io.WriteString(w, "the same for everyone")
	})
	pc := cache.New()
	psrv := httptest.NewServer(pc.Middleware(public))
	defer psrv.Close()
	get(t, psrv, "session=alice")
	if _, body, x := get(t, psrv, "session=bob"); x != cache.Hit || body != "the same for everyone" {
		t.Errorf("public response: X-Cache %q body %q, want a HIT", x, body)
	}

	// Keying on the cookie opts in: each session has its own entry.
	kc := cache.New(cache.WithVaryHeaders("Cookie"))
	ksrv := httptest.NewServer(kc.Middleware(account))
	defer ksrv.Close()
	get(t, ksrv, "session=alice")
	if _, body, _ := get(t, ksrv, "session=bob"); body != "account of bob" {
		t.Fatalf("keyed on Cookie, bob got %q", body)
	}
	if _, body, x := get(t, ksrv, "session=alice"); x != cache.Hit || body != "account of alice" {
		t.Errorf("keyed on Cookie, alice again: X-Cache %q body %q, want her own HIT", x, body)
	}
}

// TestHitHeadersAreCopies is the regression test for hits that handed out
// the stored header slices: a middleware editing a value in place corrupted
// the entry for everyone after.
func TestHitHeadersAreCopies(t *testing.T) {
	c := cache.New()
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Tenant", "acme")
		_, _ = io.WriteString(w, "ok")
	}))
	// An outer middleware that rewrites header values in place.
	editing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&inPlaceEditor{ResponseWriter: w}, r)
	})
	srv := httptest.NewServer(editing)
	defer srv.Close()
	for i := range 3 {
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Tenant"); got != "edited-acme" {
			t.Fatalf("request %d: X-Tenant %q, want edited-acme (the entry was edited by an earlier request)", i, got)
		}
	}
}

// inPlaceEditor edits a header value in place when the status is written.
type inPlaceEditor struct{ http.ResponseWriter }

func (e *inPlaceEditor) WriteHeader(code int) {
	if v := e.Header()["X-Tenant"]; len(v) > 0 {
		v[0] = "edited-" + v[0]
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *inPlaceEditor) Write(p []byte) (int, error) { return e.ResponseWriter.Write(p) }
