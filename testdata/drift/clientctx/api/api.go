// Package api charges with the request's context, which has no deadline.
package api

import (
	"net/http"

	"example.com/drift/clientctx/pay"
)

func Routes(mux *http.ServeMux, c *pay.Client) {
	mux.HandleFunc("POST /buy", func(w http.ResponseWriter, r *http.Request) {
		_ = c.Charge(r.Context()) // want `^this call reaches \(\*http.Client\).Do in example.com/drift/clientctx/pay`
	})
}
