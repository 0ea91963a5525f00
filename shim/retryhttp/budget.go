package retryhttp

import (
	"math"
	"sync/atomic"
)

// Defaults of the [Budget] a [Transport] has unless [WithBudget] says
// otherwise.
const (
	DefaultBudgetRatio = 0.1
	DefaultBudgetBurst = 10
)

// milli is the fixed-point scale of a Budget's tokens: 1 token = 1000.
const milli = 1000

// Budget limits retries to a fraction of requests. Each request deposits
// ratio tokens, up to burst tokens held; each retry withdraws one token and is
// not made when none is left. Over any run the retries therefore number at
// most burst + ratio·requests, whatever fails and for how long: during an
// outage the load on the server is at most (1 + ratio) times the load without
// retries, plus burst.
//
// One Budget is usually shared by all requests to one service; it is safe for
// concurrent use.
type Budget struct {
	deposit int64 // per request, in thousandths of a token
	max     int64
	tokens  atomic.Int64
}

// NewBudget returns a Budget that allows ratio retries per request, holding
// at most burst tokens and starting full. A ratio below zero (or NaN) is zero
// and a ratio above 1000 is 1000; a burst below 1 is 1.
func NewBudget(ratio float64, burst int) *Budget {
	if !(ratio >= 0) { // also NaN
		ratio = 0
	}
	ratio = min(ratio, 1000)
	b := &Budget{
		// Rounded down, so the bound burst + ratio·requests holds.
		deposit: int64(math.Floor(ratio * milli)),
		max:     int64(max(burst, 1)) * milli,
	}
	b.tokens.Store(b.max)
	return b
}

// Tokens returns the number of retries the budget allows now.
func (b *Budget) Tokens() int { return int(b.tokens.Load() / milli) }

// request records a request.
func (b *Budget) request() {
	for {
		cur := b.tokens.Load()
		next := min(cur+b.deposit, b.max)
		if next == cur || b.tokens.CompareAndSwap(cur, next) {
			return
		}
	}
}

// withdraw takes one token for a retry and reports whether there was one.
func (b *Budget) withdraw() bool {
	for {
		cur := b.tokens.Load()
		if cur < milli {
			return false
		}
		if b.tokens.CompareAndSwap(cur, cur-milli) {
			return true
		}
	}
}
