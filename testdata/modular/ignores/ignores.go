// Package ignores has malformed and unused //blockcheck:ignore directives, which the engine analyzer reports.
package ignores

import (
	"net/http"
	"time"
)

// Register registers a route.
func Register() {
	http.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Second) /* want `^//blockcheck:ignore needs a reason: write //blockcheck:ignore sleep <why this wait is acceptable>` */ //blockcheck:ignore sleep
		/* want `unknown analyzer "nosuch"` */ //blockcheck:ignore nosuch,sleep it is fine
		Nap()
		/* want `^unused //blockcheck:ignore directive: it silences no finding for chanwait,gospawn` */ //blockcheck:ignore chanwait,gospawn nothing below waits
		_ = r.URL.Path
		Quiet()
		time.Sleep(time.Millisecond) //blockcheck:ignore sleep the nap is short
	})
}

// Nap sleeps.
func Nap() { // want Nap:`^reaches sleep time.Sleep at ignores.go:24 via 0 calls$`
	time.Sleep(time.Millisecond)
}

// Quiet reaches nothing.
//
/* want `^unused //blockcheck:ignore directive: it silences nothing reached through Quiet for syncdb,all` */ //blockcheck:ignore syncdb,all nothing to see
func Quiet() {
	_ = 0
}
