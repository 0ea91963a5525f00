// Package breaker puts a circuit breaker between a service and a flaky
// dependency, so that when the dependency fails, callers fail fast instead of
// piling up goroutines and connections waiting on it.
//
// A [Breaker] wraps a github.com/sony/gobreaker/v2 two-step breaker and offers
// it in three shapes:
//
//   - [Breaker.Execute] and [Do] wrap a function call;
//   - [Breaker.Transport] wraps an [net/http.RoundTripper] for clients: a
//     transport error or a 5xx response counts as a failure;
//   - [Breaker.Middleware] wraps a server handler: a 5xx from the handler
//     counts as a failure, and an open breaker answers 503 with Retry-After.
//
// What counts as a failure. An error, or a status that [WithFailureStatus]
// calls a failure (default: 500 and above). A call whose caller gave up is not
// the dependency's fault and counts as neither success nor failure (gobreaker's
// IsExcluded): errors matching [context.Canceled], and any error returned once
// the caller's own context is done, including [context.DeadlineExceeded] from
// the caller's deadline. To count a slow dependency as failing, give the call
// its own, shorter timeout inside fn: its DeadlineExceeded then counts.
//
// When the breaker refuses a call, Execute, Do and the transport return an
// [*OpenError] that wraps [gobreaker.ErrOpenState] (or
// [gobreaker.ErrTooManyRequests], see below) and says how long until the
// breaker lets a probe through. gobreaker does not expose that time; the
// Breaker records when it opened (in OnStateChange) and adds Settings.Timeout.
//
// # States, and half-open in particular
//
// Closed: calls pass. On each failure, Settings.ReadyToTrip looks at the
// counts (default: more than 5 consecutive failures) and may open the breaker.
// Counts reset on every state change and, while closed, every
// Settings.Interval (never, if Interval is 0).
//
// Open: every call is refused at once, for Settings.Timeout (default 60s).
//
// Half-open: the breaker becomes half-open lazily, on the first call (or
// State) after Timeout has passed; no timer runs. It then lets through at most
// Settings.MaxRequests calls (default 1) at the same time, and refuses the rest
// with [gobreaker.ErrTooManyRequests], which is the only situation in which
// that error appears: concurrent calls during half-open (gobreaker issues #30
// and #49). MaxRequests consecutive successes close the breaker. A single
// failure re-opens it for another full Timeout, even if MaxRequests is larger
// than one, which is why a half-open breaker seems to try only one call before
// opening again (issue #53). A probe whose caller gives up is excluded and
// frees its slot. A probe that never returns holds its slot for ever and the
// breaker stays half-open refusing everything else: give calls through a
// breaker a deadline.
//
// Retry-After for a refused call is the time left until half-open, and at
// least one second; during half-open it is one second.
package breaker
