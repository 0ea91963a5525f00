package clienttimeout

import (
	"context"
	"net/http"
	"time"
)

// Captured registers handlers that use clients their closures capture: a local variable of the registering
// function, and a middleware constructor's parameter (athens' NewValidationMiddleware(client, hook), given a
// client without Timeout by its caller).
func Captured(mux *http.ServeMux) {
	plain := &http.Client{}
	bounded := &http.Client{Timeout: 5 * time.Second}
	mux.HandleFunc("/captured", func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), "GET", "http://upstream/", nil)
		_, _ = plain.Do(req)   // want `clienttimeout: \(\*http.Client\).Do sends a request through a client with no Timeout`
		_, _ = bounded.Do(req) // the client has a Timeout
	})
	mux.Handle("/validated", validating(&http.Client{}, "http://hook/")(http.NotFoundHandler()))
	mux.Handle("/checked", checking(&http.Client{Timeout: time.Second}, "http://hook/")(http.NotFoundHandler()))
}

func validating(client *http.Client, hook string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if validate(r.Context(), client, hook) != nil {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func validate(ctx context.Context, client *http.Client, hook string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req) // want `clienttimeout: \(\*http.Client\).Do sends a request through a client with no Timeout`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// checking is validating with a client that has a Timeout.
func checking(client *http.Client, hook string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, hook, nil)
			if err != nil {
				return
			}
			if resp, err := client.Do(req); err == nil { // the client its caller gives has a Timeout
				_ = resp.Body.Close()
			}
			next.ServeHTTP(w, r)
		})
	}
}
