// Package notify tells people and systems about inventory events: partner webhooks, a Slack channel, e-mail.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/smtp"
	"strings"
	"time"
)

type Event struct {
	Kind    string    `json:"kind"`
	Subject string    `json:"subject"`
	Detail  string    `json:"detail,omitempty"`
	At      time.Time `json:"at"`
}

// Notifier delivers an event.
type Notifier interface {
	Notify(ctx context.Context, ev Event) error
}

// Multi fans an event out to several notifiers in turn.
type Multi []Notifier

func (m Multi) Notify(ctx context.Context, ev Event) error {
	var errs []error
	for _, n := range m {
		if err := n.Notify(ctx, ev); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Webhook posts events to the partners' endpoints.
type Webhook struct {
	urls []string
	hc   *http.Client
}

func NewWebhook(urls []string) *Webhook {
	return &Webhook{urls: urls, hc: &http.Client{Timeout: 5 * time.Second}}
}

func (w *Webhook) Notify(ctx context.Context, ev Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	for _, u := range w.urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := w.hc.Do(req)
		if err != nil {
			return fmt.Errorf("webhook %s: %w", u, err)
		}
		resp.Body.Close()
	}
	return nil
}

// Slack posts to an incoming-webhook URL.
type Slack struct{ url string }

func NewSlack(url string) *Slack { return &Slack{url: url} }

func (s *Slack) Notify(ctx context.Context, ev Event) error {
	msg, _ := json.Marshal(map[string]string{"text": fmt.Sprintf(":package: %s %s %s", ev.Kind, ev.Subject, ev.Detail)})
	resp, err := http.Post(s.url, "application/json", bytes.NewReader(msg)) // want `nocancel: http.Post .*reached from POST /v1/stock/\{sku\}/adjust \(Server.adjustStock\); fix`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Mail sends events by e-mail through the office relay. Not wired up since the move to Slack.
type Mail struct {
	relay, from string
	to          []string
}

func NewMail(relay, from string, to []string) *Mail { return &Mail{relay: relay, from: from, to: to} }

func (m *Mail) Notify(ctx context.Context, ev Event) error {
	msg := "Subject: [inventory] " + ev.Kind + " " + ev.Subject + "\r\nTo: " + strings.Join(m.to, ", ") + "\r\n\r\n" + ev.Detail
	return smtp.SendMail(m.relay, nil, m.from, m.to, []byte(msg))
}
