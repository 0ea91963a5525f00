package adaptive

import (
	"math"
	"time"
)

// Algorithm computes a [Limiter]'s next limit from each sample. The
// implementations are [AIMD] and [Gradient]; each Limiter keeps its own state,
// so one Algorithm value may configure several Limiters.
type Algorithm interface {
	newState() state
}

// state is one Limiter's algorithm state, updated under the Limiter's lock.
type state interface {
	// next returns the limit after sample s, given the current limit.
	next(limit float64, s sample) float64
}

// sample is what a returned permit tells the algorithm.
type sample struct {
	rtt      time.Duration
	end      time.Time
	inFlight int // permits out when this one was granted, itself included
	dropped  bool
}

// AIMD is additive increase, multiplicative decrease, as in TCP congestion
// control: each success adds Increase to the limit while the limit is in use
// (at least half of it taken), each drop multiplies the limit by Backoff. It
// reacts to failures and timeouts, and to latency only through Latency.
type AIMD struct {
	// Increase is added to the limit per successful sample. Zero or less
	// means 1.
	Increase float64
	// Backoff multiplies the limit on a drop; it must lie in [0.5, 1).
	// Outside that range it is 0.9.
	Backoff float64
	// Latency, if positive, makes a success slower than it count as a
	// drop.
	Latency time.Duration
}

func (a AIMD) newState() state {
	if a.Increase <= 0 {
		a.Increase = 1
	}
	if !(a.Backoff >= 0.5 && a.Backoff < 1) {
		a.Backoff = 0.9
	}
	return &a
}

func (a *AIMD) next(limit float64, s sample) float64 {
	switch {
	case s.dropped || (a.Latency > 0 && s.rtt > a.Latency):
		return limit * a.Backoff
	case float64(s.inFlight)*2 >= limit:
		return limit + a.Increase
	}
	return limit // the limit is not in use: no evidence that more would do
}

// Gradient compares recent latency with a long-term average of latency, as
// Netflix's Gradient2 limit does. Samples are gathered in windows of at least
// Interval and 10 samples; each window's mean latency is compared with the
// average over the last Window windows. While it is within Tolerance times
// the average, the limit grows by Queue (smoothed); when it is slower, the
// limit shrinks in proportion, by at most half per window before smoothing. A
// window with a drop counts as the largest decrease, without the headroom. The
// long-term average forgets a period of high latency faster than it learns
// it, so that the limit recovers after an incident.
type Gradient struct {
	// Tolerance is how much slower than the average a window may be before
	// the limit shrinks. Below 1 means 1.5.
	Tolerance float64
	// Smoothing weighs each new estimate against the current limit, in
	// (0, 1]. Outside that range it is 0.2.
	Smoothing float64
	// Window is the number of windows the long-term average spans. Zero or
	// less means 600.
	Window int
	// Queue is the headroom added to the limit per estimate, so that the
	// limit can grow. Zero or less means 4.
	Queue float64
	// Interval is the shortest time a window spans. Zero or less means 1s.
	Interval time.Duration
}

func (g Gradient) newState() state {
	if g.Tolerance < 1 {
		g.Tolerance = 1.5
	}
	if !(g.Smoothing > 0 && g.Smoothing <= 1) {
		g.Smoothing = 0.2
	}
	if g.Window <= 0 {
		g.Window = 600
	}
	if g.Queue <= 0 {
		g.Queue = 4
	}
	if g.Interval <= 0 {
		g.Interval = time.Second
	}
	return &gradientState{cfg: g}
}

const (
	// minSamples is the fewest samples a window holds.
	minSamples = 10
	// warmup is the number of first windows simply averaged, so that the
	// first does not weigh as much as the whole long-term average.
	warmup = 10
)

type gradientState struct {
	cfg  Gradient
	long float64 // long-term average latency, in nanoseconds
	n    int     // windows seen

	// The current window.
	start       time.Time
	samples     int
	sum         float64 // of latencies, in nanoseconds
	maxInFlight int
	dropped     bool
}

func (g *gradientState) next(limit float64, s sample) float64 {
	if g.samples == 0 {
		g.start = s.end.Add(-s.rtt) // when its first request began
	}
	g.samples++
	g.sum += math.Max(float64(s.rtt), 1)
	g.maxInFlight = max(g.maxInFlight, s.inFlight)
	g.dropped = g.dropped || s.dropped
	if g.samples < minSamples || s.end.Sub(g.start) < g.cfg.Interval {
		return limit
	}
	rtt, inFlight, dropped := g.sum/float64(g.samples), g.maxInFlight, g.dropped
	g.samples, g.sum, g.maxInFlight, g.dropped = 0, 0, 0, false

	if dropped {
		// limit·(1-Smoothing) + (limit·0.5)·Smoothing
		return limit * (1 - g.cfg.Smoothing/2)
	}
	g.n++
	if g.n <= warmup {
		g.long += (rtt - g.long) / float64(g.n)
	} else {
		g.long += (rtt - g.long) * 2 / float64(g.cfg.Window+1)
	}
	if g.long/rtt > 2 {
		// Latency is back to well below the average: forget faster.
		g.long *= 0.95
	}
	if float64(inFlight)*2 < limit {
		return limit // the limit is not in use: no evidence either way
	}
	gradient := math.Max(0.5, math.Min(1, g.cfg.Tolerance*g.long/rtt))
	estimate := limit*gradient + g.cfg.Queue
	return limit*(1-g.cfg.Smoothing) + estimate*g.cfg.Smoothing
}
