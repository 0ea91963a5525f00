// Package mail sends mail and reads a mailbox from handlers, through gomail.v2, mail.v2 and go-imap: a dialer or
// client with no deadline is reported, one bounded by a Timeout is not.
package mail

import (
	"net"
	"net/http"
	"time"

	"github.com/emersion/go-imap/client"
	gomail "gopkg.in/gomail.v2"
	mail "gopkg.in/mail.v2"
)

type Config struct {
	Host     string
	Port     int
	User     string
	Password string
	Timeout  time.Duration
}

var cfg Config

func message() *mail.Message {
	m := mail.NewMessage()
	m.SetHeader("To", "ops@example.com")
	return m
}

// gomail.v2 bounds the dial only: the SMTP conversation has no deadline whatever the dialer says.
func notifyV2(w http.ResponseWriter, r *http.Request) {
	m := gomail.NewMessage()
	m.SetHeader("To", "ops@example.com")
	d := gomail.NewDialer(cfg.Host, cfg.Port, cfg.User, cfg.Password)
	d.DialAndSend(m) // want `nocancel: \(\*gomail.v2.Dialer\).DialAndSend talks SMTP over a connection with no deadline`
}

// A mail.v2 Dialer literal has Timeout zero: no deadline at all.
func notifyLiteral(w http.ResponseWriter, r *http.Request) {
	d := &mail.Dialer{Host: cfg.Host, Port: cfg.Port, LocalName: "example.com"}
	d.DialAndSend(message()) // want `nocancel: \(\*mail.v2.Dialer\).DialAndSend talks SMTP through a Dialer with no Timeout`
}

// NewDialer sets Timeout to 10 s, for the dial and the whole conversation.
func notifyNewDialer(w http.ResponseWriter, r *http.Request) {
	d := mail.NewDialer(cfg.Host, cfg.Port, cfg.User, cfg.Password)
	d.DialAndSend(message())
}

// A literal that sets Timeout, or one whose Timeout is set afterwards.
func notifyBounded(w http.ResponseWriter, r *http.Request) {
	d := &mail.Dialer{Host: cfg.Host, Port: cfg.Port, Timeout: 5 * time.Second}
	d.DialAndSend(message())
	d2 := &mail.Dialer{Host: cfg.Host, Port: cfg.Port}
	d2.Timeout = cfg.Timeout
	d2.DialAndSend(message())
}

// A dialer handed to a helper that may set its Timeout is not judged.
func notifyConfigured(w http.ResponseWriter, r *http.Request) {
	d := &mail.Dialer{Host: cfg.Host, Port: cfg.Port}
	configure(d)
	d.DialAndSend(message())
}

func configure(d *mail.Dialer) { d.Timeout = cfg.Timeout }

// client.Dial uses a net.Dialer without Timeout and the client's Timeout is zero: Login waits without bound.
func checkMailbox(w http.ResponseWriter, r *http.Request) {
	c, err := client.Dial(cfg.Host)
	if err != nil {
		return
	}
	defer c.Logout()
	c.Login(cfg.User, cfg.Password) // want `nocancel: \(\*client.Client\).Login waits for the IMAP server's answers with no deadline`
}

// A client given a Timeout, and one dialed through a net.Dialer with a Timeout (go-imap then puts a deadline on
// the connection): bounded.
func checkMailboxBounded(w http.ResponseWriter, r *http.Request) {
	c, err := client.Dial(cfg.Host)
	if err != nil {
		return
	}
	c.Timeout = 30 * time.Second
	c.Login(cfg.User, cfg.Password)

	c2, err := client.DialWithDialer(&net.Dialer{Timeout: 30 * time.Second}, cfg.Host)
	if err != nil {
		return
	}
	c2.Login(cfg.User, cfg.Password)
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/notify/v2", notifyV2)
	mux.HandleFunc("/notify/literal", notifyLiteral)
	mux.HandleFunc("/notify/new", notifyNewDialer)
	mux.HandleFunc("/notify/bounded", notifyBounded)
	mux.HandleFunc("/notify/configured", notifyConfigured)
	mux.HandleFunc("/mailbox", checkMailbox)
	mux.HandleFunc("/mailbox/bounded", checkMailboxBounded)
}
