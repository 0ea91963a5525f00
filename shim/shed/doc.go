// Package shed bounds the number of requests a handler serves at once and
// sheds the rest with 503 Service Unavailable and Retry-After, so that a slow
// dependency or a burst of expensive requests cannot pile up goroutines,
// connections and memory without bound.
//
// A [Shedder] admits at most its limit of requests at the same time. A request
// that finds no free slot may wait for one for a short, bounded time
// ([WithWait]), and gives up early if its own context ends; then it is shed.
// Waiting briefly smooths bursts; waiting long only moves the pile-up into the
// shedder, so keep the wait well under the clients' timeouts.
//
// Put a Shedder on the expensive routes, or around the whole mux, outside of
// anything that allocates per request.
package shed
