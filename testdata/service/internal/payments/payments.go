// Package payments talks to the payment provider over HTTP.
package payments

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type Client struct {
	base string
	http *http.Client
}

// New makes a client without a Timeout: its requests rely on their contexts.
func New(base string) *Client { return &Client{base: base, http: &http.Client{}} }

// Charge sends the charge with the caller's context, which has no deadline.
func (c *Client) Charge(ctx context.Context, order int64, cents int) error {
	body := strings.NewReader(fmt.Sprintf(`{"order":%d,"amount":%d}`, order, cents))
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/charges", body)
	if err != nil {
		return err
	}
	for attempt := 0; attempt < 3; attempt++ {
		resp, err := c.http.Do(req) // want `clienttimeout: \(\*http.Client\).Do .*reached from POST /orders \(Server.createOrder\)`
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond) // want `sleep: time.Sleep .*reached from POST /orders`
	}
	return fmt.Errorf("payments: charge %d failed", order)
}

// Refund has a deadline of its own.
func (c *Client) Refund(ctx context.Context, order int64) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/refunds/%d", c.base, order), nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
