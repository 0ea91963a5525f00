package monitor

import "time"

// Observer receives events from the shim's middlewares. Implementations must be
// safe for concurrent use and cheap: they are called on the request path, and
// BreakerStateChanged is called while the breaker holds its lock, so it must
// not call back into the breaker.
//
// Route is the ServeMux pattern of the request ("GET /items/{id}") when it is
// known and empty otherwise.
type Observer interface {
	// RequestStarted is called when a request enters the monitoring
	// middleware, before it is routed.
	RequestStarted()
	// RequestDone is called when the handler has returned, with the status it
	// wrote (200 if it wrote none) and the time it took.
	RequestDone(route string, status int, latency time.Duration)
	// Shed is called when a request is refused for lack of capacity.
	Shed(route string)
	// Limited is called when a request is refused by a rate limiter.
	Limited(route string)
	// BreakerStateChanged is called when the named circuit breaker changes
	// state; states are "closed", "half-open" and "open".
	BreakerStateChanged(name, from, to string)
	// Error is called with errors worth counting that a status does not
	// show, such as a handler that ran past its deadline.
	Error(route string, err error)
}

// Nop is an Observer that does nothing. Embed it in an Observer that cares
// about only some events.
type Nop struct{}

// RequestStarted does nothing.
func (Nop) RequestStarted() {}

// RequestDone does nothing.
func (Nop) RequestDone(string, int, time.Duration) {}

// Shed does nothing.
func (Nop) Shed(string) {}

// Limited does nothing.
func (Nop) Limited(string) {}

// BreakerStateChanged does nothing.
func (Nop) BreakerStateChanged(string, string, string) {}

// Error does nothing.
func (Nop) Error(string, error) {}
