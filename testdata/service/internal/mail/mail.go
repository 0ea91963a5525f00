// Package mail sends mail through the local relay.
package mail

import "net/smtp"

type Mailer struct{ relay, from string }

func New(relay, from string) *Mailer { return &Mailer{relay: relay, from: from} }

func (m *Mailer) Send(to, subject, body string) error {
	msg := []byte("Subject: " + subject + "\r\n\r\n" + body)
	return smtp.SendMail(m.relay, nil, m.from, []string{to}, msg) // want `nocancel: smtp.SendMail .*reached from POST /signup \(Server.signup\)`
}
