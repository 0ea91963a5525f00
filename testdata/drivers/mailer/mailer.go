// Package mailer sends mail through a real dependency that sleeps between its own retries (smtppool's Send waits
// MsgRetryDelay before each new attempt): the sleep is the library's pacing, which the user cannot change at the
// call, so it is not reported. The user's own backoff is.
package mailer

import (
	"net/http"
	"time"

	"github.com/knadh/smtppool/v2"
)

type API struct{ pool *smtppool.Pool }

func (a *API) send(w http.ResponseWriter, r *http.Request) {
	// smtppool.(*Pool).Send sleeps between attempts inside the library: not reported.
	_ = a.pool.Send(smtppool.Email{From: "a@example.com", To: []string{r.FormValue("to")}, Subject: "hi"})
}

func (a *API) resend(w http.ResponseWriter, r *http.Request) {
	for i := range 3 {
		if err := a.pool.Send(smtppool.Email{From: "a@example.com", To: []string{r.FormValue("to")}}); err == nil {
			return
		}
		time.Sleep(time.Duration(i) * time.Second) // want `sleep: time.Sleep pauses the request.*reached from /resend \(API.resend\)`
	}
}

func Routes(mux *http.ServeMux, pool *smtppool.Pool) {
	a := &API{pool: pool}
	mux.HandleFunc("/send", a.send)
	mux.HandleFunc("/resend", a.resend)
}
