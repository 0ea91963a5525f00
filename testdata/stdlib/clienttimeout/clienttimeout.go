package clienttimeout

import (
	"context"
	"net/http"
	"time"
)

type api struct {
	plain   *http.Client // made without a Timeout
	bounded *http.Client // made with one
}

func newAPI() *api {
	return &api{plain: &http.Client{}, bounded: &http.Client{Timeout: 5 * time.Second}}
}

func (a *api) proxy(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequestWithContext(r.Context(), "GET", "http://upstream/", nil)
	_, _ = http.DefaultClient.Do(req) // want `clienttimeout: \(\*http.Client\).Do sends a request through a client with no Timeout`
	_, _ = a.plain.Do(req)            // want `clienttimeout: \(\*http.Client\).Do`
	_, _ = a.bounded.Do(req)          // the client has a Timeout

	local := &http.Client{}
	_, _ = local.Do(req) // want `clienttimeout: \(\*http.Client\).Do`

	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	req2, _ := http.NewRequestWithContext(ctx, "GET", "http://upstream/", nil)
	_, _ = http.DefaultClient.Do(req2) // the request has a deadline
	_, _ = call(ctx, http.DefaultClient)
	_, _ = callNoDeadline(r.Context())
}

// call's context comes from its callers, which all set a deadline.
func call(ctx context.Context, c *http.Client) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://upstream/", nil)
	return c.Do(req) // the client is a parameter: not judged
}

func callNoDeadline(ctx context.Context) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://upstream/", nil)
	return http.DefaultClient.Do(req) // want `clienttimeout: \(\*http.Client\).Do .*reached from /proxy \(api.proxy\)`
}

func Routes(mux *http.ServeMux) {
	a := newAPI()
	mux.HandleFunc("/proxy", a.proxy)
}

// retrying is a client wrapper: the request is built by its callers.
func retrying(req *http.Request) (*http.Response, error) {
	return http.DefaultClient.Do(req) // want `clienttimeout: \(\*http.Client\).Do .*reached from /wrapped \(wrapped\)`
}

func wrapped(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequestWithContext(r.Context(), "GET", "http://upstream/", nil)
	_, _ = retrying(req)
}

func Routes2(mux *http.ServeMux) { mux.HandleFunc("/wrapped", wrapped) }

// A client in a package variable, and one stored by a constructor from its parameter.
var shared = &http.Client{}

type upstream struct{ c *http.Client }

func newUpstream(c *http.Client) *upstream { return &upstream{c: c} }

func (u *upstream) get(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequestWithContext(r.Context(), "GET", "http://upstream/", nil)
	_, _ = shared.Do(req) // want `clienttimeout: \(\*http.Client\).Do`
	_, _ = u.c.Do(req)    // want `clienttimeout: \(\*http.Client\).Do`
}

func Routes3(mux *http.ServeMux) {
	u := newUpstream(&http.Client{})
	mux.HandleFunc("/upstream", u.get)
}
