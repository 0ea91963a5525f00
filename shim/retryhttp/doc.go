// Package retryhttp is an [http.RoundTripper] that retries requests that are
// safe to send again, and only as long as retrying helps.
//
// It answers blockcheck's sleep and nocancel findings on hand-written retry
// loops around outbound HTTP calls, and it avoids the traps of generic retry
// loops:
//
//   - Only idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) and
//     requests carrying an Idempotency-Key (or X-Idempotency-Key) header are
//     retried: a POST that reached the server may have taken effect.
//   - A body is sent again only through [http.Request.GetBody]; a request
//     whose body cannot be rewound is sent once, never with an empty body.
//   - Only 429, 502, 503, 504 and transport errors (refused or reset
//     connections, an attempt's timeout; not TLS verification failures, the
//     caller's own context, or refusals by the shim's breaker and limiters)
//     are retried by default; see [Retryable] and [WithRetryIf].
//   - Retry-After is honoured: the wait is at least what the server asked for.
//     When it asks for more than [WithMaxRetryAfter] allows, or for more than
//     the time left, the response is returned to the caller instead.
//   - A [Budget] shared by the requests of a Transport caps retries at a
//     fraction of requests (as gRPC's retry throttling and Finagle's
//     RetryBudget do), so that during an outage retries cannot multiply the
//     load on the failing server: at most burst + ratio·requests retries, ever.
//   - [WithTimeout] bounds all attempts, waits and the reading of the final
//     response's body, like [http.Client.Timeout].
//   - Every wait ends when the request's context ends, and the bodies of
//     discarded responses are drained (up to a small limit) and closed, so
//     their connections go back to the pool.
//
// The wait between attempts comes from a [retry.Policy] (exponential backoff
// with full jitter), shared with package retry.
package retryhttp
