package clients

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Shipping talks to the carrier aggregator. It uses http.DefaultClient and retries 5xx answers itself.
type Shipping struct {
	base, token string
}

func NewShipping(base, token string) *Shipping { return &Shipping{base: base, token: token} }

type Rate struct {
	Carrier    string `json:"carrier"`
	Service    string `json:"service"`
	PriceCents int    `json:"price_cents"`
	Days       int    `json:"days"`
}

type Parcel struct {
	To      string `json:"to"`
	WeightG int    `json:"weight_g"`
}

type Label struct {
	Tracking string `json:"tracking"`
	URL      string `json:"url"`
}

func (s *Shipping) Rates(ctx context.Context, p Parcel) ([]Rate, error) {
	var out []Rate
	return out, s.call(ctx, http.MethodPost, "/v1/rates", p, &out)
}

func (s *Shipping) CreateLabel(ctx context.Context, orderID int64, p Parcel, carrier string) (Label, error) {
	body := struct {
		Parcel
		Order   int64  `json:"order"`
		Carrier string `json:"carrier"`
	}{p, orderID, carrier}
	var l Label
	return l, s.call(ctx, http.MethodPost, "/v1/labels", body, &l)
}

func (s *Shipping) call(ctx context.Context, method, path string, in, out any) error {
	buf, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, bytes.NewReader(buf))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	resp, err := s.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("shipping %s %s: %s", method, path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// do retries transport errors and 5xx answers with a linear backoff.
func (s *Shipping) do(req *http.Request) (*http.Response, error) {
	var lastErr error
	for attempt := range 4 {
		if attempt > 0 {
			if req.GetBody != nil {
				req.Body, _ = req.GetBody()
			}
			time.Sleep(time.Duration(attempt) * 250 * time.Millisecond) // want `sleep: time.Sleep .*reached from \S+ /v1/orders/\{id\}/\S+ \(Server\.\w+\) and 1 other route;`
		}
		resp, err := http.DefaultClient.Do(req) // want `clienttimeout: \(\*http.Client\).Do .*reached from \S+ /v1/orders/\{id\}/\S+ \(Server\.\w+\) and 1 other route;`
		if err != nil {
			lastErr = err
			continue
		}
		if resp.StatusCode < 500 {
			return resp, nil
		}
		resp.Body.Close()
		lastErr = fmt.Errorf("shipping: %s", resp.Status)
	}
	return nil, lastErr
}
