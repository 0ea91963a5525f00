// Package monitor records what the shim's middlewares see, without global
// registries and without dependencies beyond the standard library.
//
// The [Observer] interface is the seam: the shim's middlewares (breaker,
// ratelimit, shed, deadline) accept an optional Observer and report requests
// shed, requests rate-limited, breaker state changes and errors to it. Users
// adapt it to the metrics system they already run (Prometheus, OpenTelemetry,
// logs) in their own code, so this package never pulls those modules in.
//
// [Memory] is a small in-memory Observer: per-route request counts by status
// class, a fixed-bucket latency histogram with estimated quantiles, in-flight
// requests, errors, shed and limited counts, and breaker states. Its
// [Memory.Handler] serves a snapshot as JSON, for a debug endpoint.
//
// [Middleware] times each request and reports it under its route. The route is
// the ServeMux pattern ([net/http.Request.Pattern]), which ServeMux sets only
// when it routes the request; the middleware reads it after the handler
// returns, on the request's goroutine. When the middleware wraps the mux from
// outside, that works because ServeMux sets the field on the request it was
// given. Middlewares that copy the request ([net/http.Request.WithContext])
// hide the field from middlewares outside them; the shim's own middlewares
// copy it back. Otherwise use [WithRoute], for example with [MuxPattern].
package monitor
