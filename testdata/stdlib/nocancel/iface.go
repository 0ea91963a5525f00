package nocancel

import (
	"net"
	"net/http"
	"time"
)

// doer is how services keep their *http.Client, to swap it in tests: a call through it is the client's.
type doer interface {
	Do(*http.Request) (*http.Response, error)
}

// dialer is how libraries take a dialer (go-imap's client.Dialer).
type dialer interface {
	Dial(network, addr string) (net.Conn, error)
}

type proxy struct {
	http doer
	dial dialer
	slow dialer
}

func (p *proxy) forward(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequest("GET", "http://inventory/items", nil)
	_, _ = p.http.Do(req) // want `nocancel: \(\*http.Client\).Do sends a request made by http.NewRequest`
	req2, _ := http.NewRequestWithContext(r.Context(), "GET", "http://inventory/items", nil)
	_, _ = p.http.Do(req2) // want `clienttimeout: \(\*http.Client\).Do sends a request through a client with no Timeout`

	c, _ := p.dial.Dial("tcp", "cache:6379") // a net.Dialer with a Timeout: bounded
	_ = c
	c2, _ := p.slow.Dial("tcp", "cache:6379") // want `nocancel: \(\*net.Dialer\).Dial dials without a context`
	_ = c2
}

func (p *proxy) direct(w http.ResponseWriter, r *http.Request) {
	d := &net.Dialer{Timeout: 30 * time.Second}
	c, _ := d.Dial("tcp", "cache:6379") // bounded by the dialer's Timeout
	_ = c
	var d2 net.Dialer
	c2, _ := d2.Dial("tcp", "cache:6379") // want `nocancel: \(\*net.Dialer\).Dial dials without a context`
	_ = c2
}

func newDialer() *net.Dialer {
	return &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
}

func IfaceRoutes(mux *http.ServeMux) {
	p := &proxy{http: client, dial: newDialer(), slow: &net.Dialer{KeepAlive: time.Minute}}
	mux.HandleFunc("/forward", p.forward)
	mux.HandleFunc("/direct", p.direct)
}
