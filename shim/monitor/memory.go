package monitor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Route names used by [Memory] for requests without a route and for routes
// past its limit.
const (
	UnmatchedRoute = "(unmatched)"
	OtherRoute     = "(other)"
)

// maxRoutes bounds the routes Memory keeps apart, so that a route function
// returning raw paths cannot grow it without bound.
const maxRoutes = 1000

// bounds are the upper bounds of the latency histogram's buckets; a last
// bucket holds everything slower.
var bounds = [...]time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

// Memory is an [Observer] that keeps counters in memory. The zero value is not
// usable; call [NewMemory]. A Memory is safe for concurrent use.
type Memory struct {
	inFlight atomic.Int64

	mu     sync.RWMutex
	routes map[string]*routeStats

	bmu      sync.Mutex
	breakers map[string]*BreakerStats
}

type routeStats struct {
	requests atomic.Uint64
	status   [6]atomic.Uint64 // by status/100; 0 holds anything out of range
	errors   atomic.Uint64
	shed     atomic.Uint64
	limited  atomic.Uint64
	hist     [len(bounds) + 1]atomic.Uint64
	sum      atomic.Int64 // nanoseconds
	max      atomic.Int64 // nanoseconds
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{
		routes:   make(map[string]*routeStats),
		breakers: make(map[string]*BreakerStats),
	}
}

func (m *Memory) route(name string) *routeStats {
	if name == "" {
		name = UnmatchedRoute
	}
	m.mu.RLock()
	rs := m.routes[name]
	m.mu.RUnlock()
	if rs != nil {
		return rs
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if rs = m.routes[name]; rs != nil {
		return rs
	}
	if len(m.routes) >= maxRoutes {
		name = OtherRoute
		if rs = m.routes[name]; rs != nil {
			return rs
		}
	}
	rs = new(routeStats)
	m.routes[name] = rs
	return rs
}

// RequestStarted counts a request in flight.
func (m *Memory) RequestStarted() { m.inFlight.Add(1) }

// RequestDone counts a finished request under its route.
func (m *Memory) RequestDone(route string, status int, latency time.Duration) {
	m.inFlight.Add(-1)
	rs := m.route(route)
	rs.requests.Add(1)
	class := status / 100
	if class < 1 || class > 5 {
		class = 0
	}
	rs.status[class].Add(1)
	i := sort.Search(len(bounds), func(i int) bool { return latency <= bounds[i] })
	rs.hist[i].Add(1)
	ns := int64(latency)
	rs.sum.Add(ns)
	for {
		cur := rs.max.Load()
		if ns <= cur || rs.max.CompareAndSwap(cur, ns) {
			break
		}
	}
}

// Shed counts a request refused for lack of capacity.
func (m *Memory) Shed(route string) { m.route(route).shed.Add(1) }

// Limited counts a request refused by a rate limiter.
func (m *Memory) Limited(route string) { m.route(route).limited.Add(1) }

// Error counts an error under its route.
func (m *Memory) Error(route string, _ error) { m.route(route).errors.Add(1) }

// BreakerStateChanged records the breaker's new state.
func (m *Memory) BreakerStateChanged(name, _, to string) {
	m.bmu.Lock()
	defer m.bmu.Unlock()
	b := m.breakers[name]
	if b == nil {
		b = new(BreakerStats)
		m.breakers[name] = b
	}
	b.State = to
	b.Changes++
	if to == "open" {
		b.Opened++
	}
}

// Snapshot is a copy of a [Memory]'s counters at one time.
type Snapshot struct {
	InFlight int64                   `json:"in_flight"`
	Routes   map[string]RouteStats   `json:"routes"`
	Breakers map[string]BreakerStats `json:"breakers"`
}

// RouteStats are the counters of one route.
type RouteStats struct {
	Requests uint64            `json:"requests"`
	Status   map[string]uint64 `json:"status"` // "2xx", "5xx", ...
	Errors   uint64            `json:"errors"`
	Shed     uint64            `json:"shed"`
	Limited  uint64            `json:"limited"`
	Latency  LatencyStats      `json:"latency"`
}

// LatencyStats summarises a route's latency histogram. Quantiles are
// estimated by linear interpolation inside the histogram's buckets, so they
// are only as precise as the buckets (1ms, 2ms, 5ms, ..., 10s).
type LatencyStats struct {
	Count uint64
	Mean  time.Duration
	Max   time.Duration
	P50   time.Duration
	P90   time.Duration
	P99   time.Duration
	// Buckets holds the count of requests at or below each bound; the last
	// bucket, with bound 0, holds the requests slower than every bound.
	Buckets []Bucket
}

// Bucket is one bucket of a latency histogram.
type Bucket struct {
	LE    time.Duration // upper bound; 0 for the last, unbounded bucket
	Count uint64
}

// MarshalJSON writes durations as strings such as "1.5ms".
func (l LatencyStats) MarshalJSON() ([]byte, error) {
	type bucket struct {
		LE    string `json:"le"`
		Count uint64 `json:"count"`
	}
	bs := make([]bucket, len(l.Buckets))
	for i, b := range l.Buckets {
		le := "+Inf"
		if b.LE > 0 {
			le = b.LE.String()
		}
		bs[i] = bucket{le, b.Count}
	}
	return json.Marshal(struct {
		Count   uint64   `json:"count"`
		Mean    string   `json:"mean"`
		Max     string   `json:"max"`
		P50     string   `json:"p50"`
		P90     string   `json:"p90"`
		P99     string   `json:"p99"`
		Buckets []bucket `json:"buckets"`
	}{l.Count, l.Mean.String(), l.Max.String(), l.P50.String(), l.P90.String(), l.P99.String(), bs})
}

// BreakerStats is what Memory knows of a circuit breaker.
type BreakerStats struct {
	State   string `json:"state"`
	Changes uint64 `json:"changes"`
	Opened  uint64 `json:"opened"`
}

// Snapshot returns a copy of the counters. Counters of one route are read one
// by one while requests go on, so they may disagree by a request or two.
func (m *Memory) Snapshot() Snapshot {
	s := Snapshot{
		InFlight: m.inFlight.Load(),
		Routes:   make(map[string]RouteStats),
		Breakers: make(map[string]BreakerStats),
	}
	m.mu.RLock()
	for name, rs := range m.routes {
		s.Routes[name] = rs.snapshot()
	}
	m.mu.RUnlock()
	m.bmu.Lock()
	for name, b := range m.breakers {
		s.Breakers[name] = *b
	}
	m.bmu.Unlock()
	return s
}

func (rs *routeStats) snapshot() RouteStats {
	out := RouteStats{
		Requests: rs.requests.Load(),
		Status:   make(map[string]uint64),
		Errors:   rs.errors.Load(),
		Shed:     rs.shed.Load(),
		Limited:  rs.limited.Load(),
	}
	for i := range rs.status {
		if n := rs.status[i].Load(); n > 0 {
			key := "other"
			if i > 0 {
				key = fmt.Sprintf("%dxx", i)
			}
			out.Status[key] = n
		}
	}
	l := &out.Latency
	l.Buckets = make([]Bucket, len(rs.hist))
	for i := range rs.hist {
		n := rs.hist[i].Load()
		l.Count += n
		l.Buckets[i].Count = n
		if i < len(bounds) {
			l.Buckets[i].LE = bounds[i]
		}
	}
	l.Max = time.Duration(rs.max.Load())
	if l.Count > 0 {
		l.Mean = time.Duration(rs.sum.Load() / int64(l.Count))
		l.P50 = l.quantile(0.50)
		l.P90 = l.quantile(0.90)
		l.P99 = l.quantile(0.99)
	}
	return out
}

// quantile estimates the q-quantile from the buckets, interpolating linearly
// inside the bucket where it falls, and never above the largest latency seen.
func (l *LatencyStats) quantile(q float64) time.Duration {
	rank := q * float64(l.Count)
	var seen float64
	for i, b := range l.Buckets {
		if b.Count == 0 {
			continue
		}
		if seen+float64(b.Count) < rank {
			seen += float64(b.Count)
			continue
		}
		var lo time.Duration
		if i > 0 {
			lo = bounds[i-1]
		}
		hi := l.Max
		if i < len(bounds) && bounds[i] < hi {
			hi = bounds[i]
		}
		if hi < lo {
			return hi
		}
		frac := (rank - seen) / float64(b.Count)
		return lo + time.Duration(frac*float64(hi-lo))
	}
	return l.Max
}

// Handler returns a handler that serves [Memory.Snapshot] as JSON.
func (m *Memory) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m.Snapshot()); err != nil {
			// Headers are gone; all that is left is to stop writing.
			return
		}
	})
}
