package retry_test

import (
	"math"
	"testing"
	"time"

	"github.com/blockcheck/blockcheck/shim/retry"
)

// TestExtremePoliciesAreSafe is the regression test for Max: math.MaxInt64,
// which overflowed in Backoff's random draw and panicked. Every policy value
// must be safe: Bound and Backoff never panic and stay in [0, Max].
func TestExtremePoliciesAreSafe(t *testing.T) {
	durations := []time.Duration{math.MinInt64, -1, 0, 1, time.Second, math.MaxInt64 - 1, math.MaxInt64}
	multipliers := []float64{math.Inf(-1), -1, 0, 0.5, 1, 2, 1e300, math.Inf(1), math.NaN()}
	for _, base := range durations {
		for _, maxd := range durations {
			for _, m := range multipliers {
				p := retry.Policy{Base: base, Max: maxd, Multiplier: m}
				for _, n := range []int{math.MinInt, 0, 1, 2, 63, 64, 1000, math.MaxInt} {
					bound := p.Bound(n)
					if bound <= 0 {
						t.Fatalf("%+v Bound(%d) = %v, want positive", p, n, bound)
					}
					if d := p.Backoff(n); d < 0 || d > bound {
						t.Fatalf("%+v Backoff(%d) = %v, want in [0, %v]", p, n, d, bound)
					}
				}
			}
		}
	}
}
