// Package adaptive is a concurrency limit that finds its own value: it
// follows the latency and the failures it measures, as Netflix's
// concurrency-limits does, instead of a constant chosen in advance.
//
// A fixed limit ([github.com/blockcheck/blockcheck/shim/shed]) is either too
// low, wasting capacity when the dependency is fast, or too high, letting
// requests pile up when it slows down. A [Limiter] grows its limit while
// requests succeed at their usual latency and cuts it when latency rises
// ([Gradient]) or requests fail or time out ([AIMD]), always within the
// bounds set with [WithBounds].
//
// The same Limiter serves inbound requests ([Limiter.Middleware], which
// answers 503 with Retry-After when over the limit), outbound calls
// ([Limiter.Transport]) and anything else: [Limiter.Acquire] waits up to
// [WithWait] (by default not at all), [Limiter.Wait] as long as its context
// allows, [Limiter.TryAcquire] never. Each
// [Permit] is given back once, with the outcome the limit learns from:
// [Permit.Done] (a latency sample), [Permit.Drop] (an overload signal) or
// [Permit.Ignore] (no information, such as a client that went away).
//
// A permit is granted only while fewer permits are out than the limit. When
// the limit falls below the number out, it takes effect as permits come
// back: none is granted until the number out is below the new limit.
package adaptive
