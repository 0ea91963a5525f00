// Package compose stacks the shim's protections in the one order that keeps
// each of them honest, for servers ([Handler]) and for clients ([Transport]).
// Options name the layers; their order in the call does not matter.
//
// Inbound, outermost first:
//
//	monitor → ratelimit → concurrency limit (shed or adaptive) → breaker → deadline → handler
//
// Because:
//   - monitor outermost, so that it records every answer, refusals included.
//   - The rate limit before the concurrency limit, so that one client's flood
//     is refused with 429 without taking slots from everyone else.
//   - The concurrency limit outside the breaker: otherwise every 503 of the
//     limit, which only says "busy", counts as a failure and load shedding
//     opens the breaker, turning a burst into an outage.
//   - The breaker outside the deadline, so that a timed-out request counts as
//     a failure: a dependency that hangs opens the breaker. (Inside, the
//     breaker sees the request's context end and counts nothing.)
//   - The concurrency limit outside the deadline too, so that the deadline's
//     timer covers the handler, not the wait for a slot, and an adaptive
//     limit sees the deadline's answer as a drop. The slot is held until the
//     handler really ends, even after the deadline has answered, so the bound
//     counts the handlers that still run.
//
// Outbound, outermost first:
//
//	fallback → retry (total timeout, retry budget) → concurrency limit → breaker → attempt timeout → transport
//
// Because:
//   - The fallback outermost, so that it answers for every failure below.
//   - Retry outside the breaker and the limit, so that each attempt asks both
//     afresh and no permit is held during the waits; an open breaker or a
//     full limit refuses without sending and is not retried.
//   - The retry budget belongs to the downstream service: share one
//     [retryhttp.Budget] among its clients, so that retries stay a fraction
//     of requests however many callers there are.
//   - The limit outside the breaker, so that its refusals never count as the
//     service's failures, and the breaker's refusals are fast and teach the
//     limit nothing.
//   - The attempt timeout innermost, so that a hung attempt ends, counts as a
//     failure for the breaker and a drop for the limit, and can be retried
//     within the total timeout.
package compose
