// Package oauth gives long-lived clients a context that only carries values: context.Background() is right there.
package oauth

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

type api struct {
	conf *oauth2.Config
	cc   *clientcredentials.Config
	tok  *oauth2.Token
}

func (a *api) profile(w http.ResponseWriter, r *http.Request) {
	// The client outlives the request; its context only carries values (oauth2.HTTPClient).
	client := a.conf.Client(context.Background(), a.tok)
	ts := a.conf.TokenSource(context.TODO(), a.tok)
	_ = oauth2.NewClient(context.Background(), ts)
	_ = a.cc.Client(context.Background())
	req, _ := http.NewRequestWithContext(r.Context(), "GET", "https://api.example.com/me", nil)
	// That context carries no client, so the one Config.Client makes has http.DefaultClient's Timeout: none.
	resp, err := client.Do(req) // want `clienttimeout: \(\*http.Client\).Do`
	if err == nil {
		_ = resp.Body.Close()
	}
	// Exchange does the work under the context it is given: detaching it is reported, and so is the client it
	// uses, http.DefaultClient, since the context carries none.
	_, _ = a.conf.Exchange(context.Background(), r.FormValue("code")) // want `ctxdetach: context.Background` `clienttimeout: \(\*oauth2.Config\).Exchange`
}

// callback passes oauth2.NoContext, which is context.TODO(): the exchange is as detached as with the call itself.
func (a *api) callback(w http.ResponseWriter, r *http.Request) {
	_, _ = a.conf.Exchange(oauth2.NoContext, r.FormValue("code")) // want `ctxdetach: oauth2.NoContext \(context.TODO\(\)\) starts a context with no deadline.*reached from /callback`
	// Only carried into the client, or compared: not reported.
	_ = a.conf.Client(oauth2.NoContext, a.tok)
	if ctx := r.Context(); ctx != oauth2.NoContext {
		_, _ = a.conf.Exchange(ctx, r.FormValue("code")) // want `clienttimeout: \(\*oauth2.Config\).Exchange .*http.DefaultClient`
	}
}

func Routes(mux *http.ServeMux, conf *oauth2.Config) {
	a := &api{conf: conf, cc: &clientcredentials.Config{}}
	mux.HandleFunc("/profile", a.profile)
	mux.HandleFunc("/callback", a.callback)
	mux.HandleFunc("/token", a.token)
	mux.HandleFunc("/carried", a.carried)
	_, _ = conf.Exchange(oauth2.NoContext, "start-up") // no handler reaches it
}

// token hands oauth2 its HTTP client through the context (oauth2.HTTPClient): the token request and the client
// Config.Client makes go through that client, with its Timeout, or through http.DefaultClient when the context
// carries none.
func (a *api) token(w http.ResponseWriter, r *http.Request) {
	plain := &http.Client{}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, plain)
	_, _ = a.conf.Exchange(ctx, r.FormValue("code")) // want `clienttimeout: \(\*oauth2.Config\).Exchange sends the token request through a client with no Timeout`

	bounded := &http.Client{Timeout: 10 * time.Second}
	bctx := context.WithValue(r.Context(), oauth2.HTTPClient, bounded)
	_, _ = a.conf.Exchange(bctx, r.FormValue("code")) // the carried client has a Timeout

	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, _ = a.conf.Exchange(dctx, r.FormValue("code")) // the request has a deadline

	req, _ := http.NewRequestWithContext(r.Context(), "GET", "https://api.example.com/me", nil)
	client := a.conf.Client(ctx, a.tok)
	_, _ = client.Do(req)                                                         // want `clienttimeout: \(\*http.Client\).Do`
	_, _ = a.conf.Client(bctx, a.tok).Do(req)                                     // Timeout copied from the carried client
	_, _ = oauth2.NewClient(r.Context(), a.conf.TokenSource(bctx, a.tok)).Do(req) // want `clienttimeout: \(\*http.Client\).Do`
	_, _ = a.cc.Client(bctx).Do(req)

	// The client is carried by a helper's context, as go-oidc's ClientContext does it.
	_, _ = a.conf.Exchange(clientContext(r.Context(), &http.Client{Transport: http.DefaultTransport}), r.FormValue("code")) // want `clienttimeout: \(\*oauth2.Config\).Exchange`
	_, _ = a.conf.Exchange(clientContext(r.Context(), bounded), r.FormValue("code"))
}

func clientContext(ctx context.Context, c *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c)
}

// carried builds a client for a token endpoint as gatus does (client/config.go): the context made from
// context.Background() only carries the base client (oauth2.HTTPClient) into clientcredentials' Config.Client,
// through context.WithValue. The same wrapping given to a call that does its work under it is detached.
func (a *api) carried(w http.ResponseWriter, r *http.Request) {
	base := &http.Client{Timeout: 10 * time.Second}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, base)
	c := a.cc.Client(ctx)
	c.Timeout = base.Timeout

	wctx := context.WithValue(context.Background(), oauth2.HTTPClient, base) // want `ctxdetach: context.Background .*reached from /carried`
	_, _ = a.conf.Exchange(wctx, r.FormValue("code"))
	_ = a.cc.Client(wctx)
}
