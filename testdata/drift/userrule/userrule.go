// Package userrule has a method of the user's own that a user rule names: both engines judge the call and do not
// enter it, so the sleep inside is not a finding of its own.
package userrule

import (
	"net/http"
	"time"
)

type Client struct{}

func (c *Client) Fetch(id string) string {
	time.Sleep(time.Millisecond) // the same root cause as the call: not reported
	return id
}

func Routes(mux *http.ServeMux, c *Client) {
	mux.HandleFunc("GET /item", func(w http.ResponseWriter, r *http.Request) {
		_ = c.Fetch("x") // want `^\(\*userrule.Client\).Fetch fetches from the inventory service without a context; reached from GET /item`
	})
}
