package clients

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Tax looks up VAT rates. Its transport is tuned for the provider's keep-alive behaviour.
type Tax struct {
	base string
	hc   *http.Client
}

func NewTax(base string) *Tax {
	return &Tax{base: base, hc: &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
	}}}
}

// RateBasisPoints returns the tax rate for a shipping region.
func (t *Tax) RateBasisPoints(region string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/rates/%s", t.base, region), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := t.hc.Do(req) // want `nocancel: \(\*http.Client\).Do .*reached from POST /v1/orders \(Server.createOrder\); fix`
	if err != nil {
		return 0, fmt.Errorf("tax: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		BasisPoints int `json:"basis_points"`
	}
	return out.BasisPoints, json.NewDecoder(resp.Body).Decode(&out)
}
