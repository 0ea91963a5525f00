// Package oauth gives long-lived clients a context that only carries values: context.Background() is right there.
package oauth

import (
	"context"
	"net/http"

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
	resp, err := client.Do(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	// Exchange does the work under the context it is given: detaching it is reported.
	_, _ = a.conf.Exchange(context.Background(), r.FormValue("code")) // want `ctxdetach: context.Background`
}

// callback passes oauth2.NoContext, which is context.TODO(): the exchange is as detached as with the call itself.
func (a *api) callback(w http.ResponseWriter, r *http.Request) {
	_, _ = a.conf.Exchange(oauth2.NoContext, r.FormValue("code")) // want `ctxdetach: oauth2.NoContext \(context.TODO\(\)\) starts a context with no deadline.*reached from /callback`
	// Only carried into the client, or compared: not reported.
	_ = a.conf.Client(oauth2.NoContext, a.tok)
	if ctx := r.Context(); ctx != oauth2.NoContext {
		_, _ = a.conf.Exchange(ctx, r.FormValue("code"))
	}
}

func Routes(mux *http.ServeMux, conf *oauth2.Config) {
	a := &api{conf: conf, cc: &clientcredentials.Config{}}
	mux.HandleFunc("/profile", a.profile)
	mux.HandleFunc("/callback", a.callback)
	_, _ = conf.Exchange(oauth2.NoContext, "start-up") // no handler reaches it
}
