// Package otelmonitor reports what the shim's middlewares see as
// OpenTelemetry metrics: it is a [monitor.Observer] over instruments from the
// [metric.MeterProvider] the caller gives, never the global one.
//
// It is a module of its own so that the shim's core does not depend on
// OpenTelemetry. Only the metric API is required; the SDK and its exporters
// are the caller's choice. The instruments follow the HTTP semantic
// conventions where they exist:
//
//	http.server.request.duration  histogram, s      http.route, http.request.method, http.response.status_code
//	http.server.active_requests   updown counter    (none: the route is known only after routing)
//	shim.http.shed                counter           http.route, http.request.method
//	shim.http.limited             counter           http.route, http.request.method
//	shim.errors                   counter           http.route, http.request.method, error.type ("timeout" or "other")
//	shim.breaker.state            gauge             shim.breaker.name, shim.breaker.state: 1 for the current state, 0 for the others
//	shim.breaker.transitions      counter           shim.breaker.name, shim.breaker.from, shim.breaker.to
//
// The shim reports routes as ServeMux patterns, such as "GET /items/{id}";
// the method becomes http.request.method and the rest http.route. A request
// the mux did not route has neither. Beyond [WithMaxRoutes] distinct routes,
// http.route is "(other)", so that label values stay bounded.
package otelmonitor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/blockcheck/blockcheck/shim/monitor"
)

// ScopeName is the instrumentation scope of the instruments.
const ScopeName = "github.com/blockcheck/blockcheck/shim/monitor/otelmonitor"

// DefaultMaxRoutes is the number of distinct routes reported by name unless
// [WithMaxRoutes] says otherwise.
const DefaultMaxRoutes = 1000

// durationBuckets are the boundaries the HTTP semantic conventions advise for
// http.server.request.duration.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

var breakerStates = []string{"closed", "half-open", "open"}

// Observer records the shim's events with OpenTelemetry instruments. It is
// safe for concurrent use.
type Observer struct {
	duration    metric.Float64Histogram
	active      metric.Int64UpDownCounter
	shed        metric.Int64Counter
	limited     metric.Int64Counter
	errs        metric.Int64Counter
	state       metric.Int64Gauge
	transitions metric.Int64Counter

	common    []attribute.KeyValue
	none      metric.MeasurementOption // the common attributes alone
	maxRoutes int
	mu        sync.Mutex
	routes    map[string][]attribute.KeyValue // pattern -> its attributes, common ones included
}

var _ monitor.Observer = (*Observer)(nil)

// Option configures [New].
type Option func(*config)

type config struct {
	maxRoutes int
	attrs     []attribute.KeyValue
}

// WithMaxRoutes bounds the distinct routes reported; the routes seen after
// that many are reported as "(other)". Zero or less means [DefaultMaxRoutes].
func WithMaxRoutes(n int) Option { return func(c *config) { c.maxRoutes = n } }

// WithAttributes adds attributes to every measurement, such as the name of a
// listener when one process serves several. Attributes of the whole service
// belong on the SDK's Resource instead.
func WithAttributes(kv ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, kv...) }
}

// New returns an Observer whose instruments come from mp's meter for
// [ScopeName]. It fails if mp is nil or an instrument cannot be created.
func New(mp metric.MeterProvider, opts ...Option) (*Observer, error) {
	if mp == nil {
		return nil, errors.New("otelmonitor: nil MeterProvider")
	}
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.maxRoutes <= 0 {
		c.maxRoutes = DefaultMaxRoutes
	}
	m := mp.Meter(ScopeName)
	o := &Observer{
		common:    c.attrs,
		none:      metric.WithAttributes(c.attrs...),
		maxRoutes: c.maxRoutes,
		routes:    make(map[string][]attribute.KeyValue),
	}
	var errs [7]error
	o.duration, errs[0] = m.Float64Histogram("http.server.request.duration",
		metric.WithUnit("s"), metric.WithDescription("Duration of HTTP server requests."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	o.active, errs[1] = m.Int64UpDownCounter("http.server.active_requests",
		metric.WithUnit("{request}"), metric.WithDescription("Number of active HTTP server requests."))
	o.shed, errs[2] = m.Int64Counter("shim.http.shed",
		metric.WithUnit("{request}"), metric.WithDescription("Requests refused for lack of capacity."))
	o.limited, errs[3] = m.Int64Counter("shim.http.limited",
		metric.WithUnit("{request}"), metric.WithDescription("Requests refused by a rate limiter."))
	o.errs, errs[4] = m.Int64Counter("shim.errors",
		metric.WithUnit("{error}"), metric.WithDescription("Errors a status does not show, such as handlers that ran past their deadline."))
	o.state, errs[5] = m.Int64Gauge("shim.breaker.state",
		metric.WithUnit("1"), metric.WithDescription("1 for the circuit breaker's current state, 0 for the others."))
	o.transitions, errs[6] = m.Int64Counter("shim.breaker.transitions",
		metric.WithUnit("{transition}"), metric.WithDescription("Circuit breaker state changes."))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, fmt.Errorf("otelmonitor: create instruments: %w", err)
	}
	return o, nil
}

// routeAttrs returns the attributes of a route: http.request.method and
// http.route from a ServeMux pattern, with the common attributes. The
// result is shared and must not be modified.
func (o *Observer) routeAttrs(pattern string) []attribute.KeyValue {
	if pattern == "" {
		return o.common
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if kv, ok := o.routes[pattern]; ok {
		return kv
	}
	if len(o.routes) >= o.maxRoutes {
		pattern = monitor.OtherRoute
		if kv, ok := o.routes[pattern]; ok {
			return kv
		}
	}
	kv := append([]attribute.KeyValue(nil), o.common...)
	route := pattern
	if method, rest, ok := strings.Cut(pattern, " "); ok && isMethod(method) {
		kv = append(kv, attribute.String("http.request.method", method))
		route = strings.TrimLeft(rest, " \t")
	}
	kv = append(kv, attribute.String("http.route", route))
	o.routes[pattern] = kv
	return kv
}

// isMethod reports whether s can be the method of a ServeMux pattern: a
// token, which in practice is upper case.
func isMethod(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// with returns kv plus extra, as a measurement option, without modifying kv.
func with(kv []attribute.KeyValue, extra ...attribute.KeyValue) metric.MeasurementOption {
	if len(extra) == 0 {
		return metric.WithAttributes(kv...)
	}
	all := make([]attribute.KeyValue, 0, len(kv)+len(extra))
	return metric.WithAttributes(append(append(all, kv...), extra...)...)
}

// RequestStarted counts a request as active.
func (o *Observer) RequestStarted() { o.active.Add(context.Background(), 1, o.none) }

// RequestDone records a request's duration with its route and status, and
// counts it as no longer active.
func (o *Observer) RequestDone(route string, status int, latency time.Duration) {
	ctx := context.Background()
	o.active.Add(ctx, -1, o.none)
	o.duration.Record(ctx, latency.Seconds(),
		with(o.routeAttrs(route), attribute.Int("http.response.status_code", status)))
}

// Shed counts a request refused for lack of capacity.
func (o *Observer) Shed(route string) {
	o.shed.Add(context.Background(), 1, with(o.routeAttrs(route)))
}

// Limited counts a request refused by a rate limiter.
func (o *Observer) Limited(route string) {
	o.limited.Add(context.Background(), 1, with(o.routeAttrs(route)))
}

// Error counts an error, with error.type "timeout" when it is
// [http.ErrHandlerTimeout] and "other" otherwise; the error's text is not an
// attribute, since it is unbounded.
func (o *Observer) Error(route string, err error) {
	kind := "other"
	if errors.Is(err, http.ErrHandlerTimeout) {
		kind = "timeout"
	}
	o.errs.Add(context.Background(), 1, with(o.routeAttrs(route), attribute.String("error.type", kind)))
}

// BreakerStateChanged records the breaker's state and counts the change.
func (o *Observer) BreakerStateChanged(name, from, to string) {
	ctx := context.Background()
	n := attribute.String("shim.breaker.name", name)
	for _, s := range breakerStates {
		var v int64
		if s == to {
			v = 1
		}
		o.state.Record(ctx, v, with(o.common, n, attribute.String("shim.breaker.state", s)))
	}
	o.transitions.Add(ctx, 1, with(o.common, n,
		attribute.String("shim.breaker.from", from), attribute.String("shim.breaker.to", to)))
}
