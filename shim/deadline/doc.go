// Package deadline gives every request a deadline, and answers the client once,
// with 503 Service Unavailable (or 504 Gateway Timeout), when the handler has
// not started its response by then.
//
// [Middleware] derives the request's context with [context.WithTimeout] and
// runs the handler on its own goroutine. If the handler returns in time,
// nothing changes: its response is streamed as it writes it, Flush works, and
// [http.ResponseController] reaches the connection through Unwrap. When the
// deadline passes first:
//
//   - if the handler has not written headers yet, the client gets 503 (or the
//     status set with [WithStatus]) with Retry-After, exactly once;
//   - if the handler already wrote headers, its response stands: the
//     middleware never writes a second status (chi's Timeout middleware
//     writes 504 after the handler's headers), and flushes what the handler
//     wrote. If that is complete (its Content-Length all written, or no body
//     due: HEAD, 204, 304), the response ends normally. Otherwise the
//     middleware waits a short grace ([WithGrace]) for the handler to
//     return: one that was returning as the deadline passed has finished its
//     response, which ends normally. Past the grace, or if a write was
//     refused, the middleware aborts the response with
//     [http.ErrAbortHandler], so the client has the status and what was
//     written and sees the response truncated rather than one that looks
//     complete. Set Content-Length on responses that must stand whole when
//     the handler overruns after writing them;
//   - if the client went away, nothing is written.
//
// "Late" is decided by one source, the request's context: the handler's
// writes are refused with [http.ErrHandlerTimeout] once the context is done,
// and the middleware answers only then. A handler that reacts to ctx.Done()
// by writing its own error cannot slip in before the middleware's answer; a
// handler that writes before the context is done has answered in time, even
// if the deadline's time passed a moment before its timer fired. A handler
// that had started its response and had a write refused is aborted when it
// returns, after what it wrote is flushed. A mutex guards the ResponseWriter,
// so the middleware and a late handler never race on it.
//
// The handler's goroutine is counted in the request's lifetime: a
// [github.com/blockcheck/blockcheck/shim/shed.Shedder] outside gives its slot
// back only when the handler really ends, not when the middleware answers.
//
// The deadline does not stop the handler. Go cannot kill a goroutine: the
// handler keeps running until it returns, and only a handler that honours
// r.Context() (passes it to its database, HTTP and RPC calls, selects on
// ctx.Done() when it waits) stops early. A handler that ignores it keeps its
// goroutine and resources after the client has been answered; these are the
// operations blockcheck reports. The handler's own header map is private and
// copied when it writes headers, so that it can go on setting headers safely
// after the deadline.
//
// A panic in the handler before the deadline is raised again on the serving
// goroutine, so net/http and recovery middleware see it; after the deadline it
// is reported to the [monitor.Observer], if any, and otherwise dropped.
package deadline
