// Package thirdparty stands for a dependency outside the user's module.
package thirdparty

import (
	"net/http"
	"time"

	"example.com/thirdparty/transport"
)

// Fetch blocks inside the dependency: a rule-named call that waits on the network, reported at the user's call.
// Its sleep is the dependency's own pacing, which the user cannot change: not reported.
func Fetch(url string) error {
	time.Sleep(time.Millisecond)
	_, err := http.Get(url)
	return err
}

// Notify uses a channel internally: a dependency's own channels are its business.
func Notify(ch chan<- string, msg string) {
	ch <- msg
}

// Connect blocks in another package of the dependency's module.
func Connect(addr string) error {
	c, err := transport.Dial(addr)
	if err == nil {
		c.Close()
	}
	return err
}
