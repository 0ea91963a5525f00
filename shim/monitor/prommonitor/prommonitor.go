// Package prommonitor reports what the shim's middlewares see to Prometheus:
// it is a [monitor.Observer] over client_golang collectors, registered with
// the [prometheus.Registerer] the caller gives, never the global one.
//
// It is a module of its own so that the shim's core does not depend on
// client_golang. The metrics, with the default namespace "shim":
//
//	shim_http_requests_in_flight                    gauge
//	shim_http_request_duration_seconds{route,code}  histogram (its _count counts requests)
//	shim_http_requests_shed_total{route}            counter
//	shim_http_requests_limited_total{route}         counter
//	shim_errors_total{route,kind}                   counter; kind is "timeout" or "other"
//	shim_breaker_state{name,state}                  gauge: 1 for the breaker's state, 0 for the others
//	shim_breaker_transitions_total{name,from,to}    counter
//
// The route is the ServeMux pattern, "(unmatched)" when there is none, and
// "(other)" beyond the number of routes set with [WithMaxRoutes], so that a
// route function gone wrong cannot make label values without bound.
package prommonitor

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blockcheck/blockcheck/shim/monitor"
)

// DefaultMaxRoutes is the number of distinct routes labelled by name unless
// [WithMaxRoutes] says otherwise.
const DefaultMaxRoutes = 1000

// breakerStates are the states monitor.Observer reports.
var breakerStates = []string{"closed", "half-open", "open"}

// Observer records the shim's events in Prometheus collectors. It is safe for
// concurrent use.
type Observer struct {
	inFlight    prometheus.Gauge
	duration    *prometheus.HistogramVec
	shed        *prometheus.CounterVec
	limited     *prometheus.CounterVec
	errs        *prometheus.CounterVec
	state       *prometheus.GaugeVec
	transitions *prometheus.CounterVec

	maxRoutes int
	mu        sync.Mutex
	routes    map[string]struct{}
}

var _ monitor.Observer = (*Observer)(nil)

// Option configures [New].
type Option func(*config)

type config struct {
	namespace string
	buckets   []float64
	constant  prometheus.Labels
	maxRoutes int
}

// WithNamespace sets the metrics' namespace, "shim" by default.
func WithNamespace(ns string) Option { return func(c *config) { c.namespace = ns } }

// WithBuckets sets the latency histogram's buckets, in seconds;
// [prometheus.DefBuckets] by default.
func WithBuckets(b []float64) Option { return func(c *config) { c.buckets = b } }

// WithConstLabels adds labels with fixed values to every metric, such as the
// name of the service.
func WithConstLabels(l prometheus.Labels) Option { return func(c *config) { c.constant = l } }

// WithMaxRoutes bounds the distinct route label values; the routes seen after
// that many are labelled "(other)". Zero or less means [DefaultMaxRoutes].
func WithMaxRoutes(n int) Option { return func(c *config) { c.maxRoutes = n } }

// New returns an Observer whose collectors are registered with reg. It fails
// if reg is nil or refuses a collector (a name already registered).
func New(reg prometheus.Registerer, opts ...Option) (*Observer, error) {
	if reg == nil {
		return nil, errors.New("prommonitor: nil Registerer")
	}
	c := config{namespace: "shim", buckets: prometheus.DefBuckets}
	for _, o := range opts {
		o(&c)
	}
	if c.maxRoutes <= 0 {
		c.maxRoutes = DefaultMaxRoutes
	}
	o := &Observer{
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: c.namespace, Subsystem: "http", Name: "requests_in_flight",
			Help: "Requests being served.", ConstLabels: c.constant,
		}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: c.namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help: "Time to serve a request, by route and status code.", Buckets: c.buckets, ConstLabels: c.constant,
		}, []string{"route", "code"}),
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: c.namespace, Subsystem: "http", Name: "requests_shed_total",
			Help: "Requests refused for lack of capacity.", ConstLabels: c.constant,
		}, []string{"route"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: c.namespace, Subsystem: "http", Name: "requests_limited_total",
			Help: "Requests refused by a rate limiter.", ConstLabels: c.constant,
		}, []string{"route"}),
		errs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: c.namespace, Name: "errors_total",
			Help: "Errors a status does not show, such as handlers that ran past their deadline.", ConstLabels: c.constant,
		}, []string{"route", "kind"}),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: c.namespace, Subsystem: "breaker", Name: "state",
			Help: "1 for the circuit breaker's current state, 0 for the others.", ConstLabels: c.constant,
		}, []string{"name", "state"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: c.namespace, Subsystem: "breaker", Name: "transitions_total",
			Help: "Circuit breaker state changes.", ConstLabels: c.constant,
		}, []string{"name", "from", "to"}),
		maxRoutes: c.maxRoutes,
		routes:    make(map[string]struct{}),
	}
	for _, col := range []prometheus.Collector{o.inFlight, o.duration, o.shed, o.limited, o.errs, o.state, o.transitions} {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("prommonitor: register: %w", err)
		}
	}
	return o, nil
}

// route returns the label value for a route, bounding their number.
func (o *Observer) route(r string) string {
	if r == "" {
		return monitor.UnmatchedRoute
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.routes[r]; ok {
		return r
	}
	if len(o.routes) >= o.maxRoutes {
		return monitor.OtherRoute
	}
	o.routes[r] = struct{}{}
	return r
}

// RequestStarted counts a request in flight.
func (o *Observer) RequestStarted() { o.inFlight.Inc() }

// RequestDone records a request's latency under its route and status, and
// counts it out of flight.
func (o *Observer) RequestDone(route string, status int, latency time.Duration) {
	o.inFlight.Dec()
	o.duration.WithLabelValues(o.route(route), strconv.Itoa(status)).Observe(latency.Seconds())
}

// Shed counts a request refused for lack of capacity.
func (o *Observer) Shed(route string) { o.shed.WithLabelValues(o.route(route)).Inc() }

// Limited counts a request refused by a rate limiter.
func (o *Observer) Limited(route string) { o.limited.WithLabelValues(o.route(route)).Inc() }

// Error counts an error, as "timeout" when it is [http.ErrHandlerTimeout] and
// "other" otherwise; the error's text is not a label, since it is unbounded.
func (o *Observer) Error(route string, err error) {
	kind := "other"
	if errors.Is(err, http.ErrHandlerTimeout) {
		kind = "timeout"
	}
	o.errs.WithLabelValues(o.route(route), kind).Inc()
}

// BreakerStateChanged sets the breaker's state gauges and counts the change.
func (o *Observer) BreakerStateChanged(name, from, to string) {
	for _, s := range breakerStates {
		v := 0.0
		if s == to {
			v = 1
		}
		o.state.WithLabelValues(name, s).Set(v)
	}
	o.transitions.WithLabelValues(name, from, to).Inc()
}
