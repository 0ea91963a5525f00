// Package ratelimit limits the rate of requests, globally or per key, over
// golang.org/x/time/rate token buckets, and answers the excess with
// 429 Too Many Requests and a Retry-After header.
//
// A [Limiter] without a key function has one bucket for all requests. With
// [WithKey] it has one bucket per key: per client address ([ClientIP]), per
// header value such as an API key ([Header]), or per anything a
// [KeyFunc] returns.
//
// Client addresses: [ClientIP] and [ClientIPWith] honour X-Forwarded-For only
// when the request comes directly from a trusted proxy, and then only as far
// back as the chain of trusted proxies goes; X-Real-IP only when told to
// ([TrustXRealIP]). Trusting these headers blindly lets any client pick its
// own key, and so its own limit (chi #711, httprate #53, tollbooth #2). IPv6
// clients are keyed by their /64 ([IPv6Prefix]), since a client can use any
// address in the prefix it is given.
//
// [Limiter.Wait] waits for a token as long as a context allows, for callers
// that would rather wait a bounded time than be refused.
//
// Memory: per-key buckets live in a size-bounded LRU ([WithMaxKeys], 10,000
// by default), split in shards to spread lock contention, so a flood of
// distinct keys (spoofed addresses, random API keys) cannot grow memory
// without bound (tollbooth #30, #32). The cost of the bound: a key evicted
// while in debt comes back with a full bucket. Under such a flood, put a
// global limit or [github.com/blockcheck/blockcheck/shim/shed] in front too.
//
// Retry-After is computed from the bucket itself: the limiter reserves a
// token, and if the reservation would have to wait, it cancels it (giving the
// token back) and tells the client how long that wait is, rounded up to whole
// seconds.
package ratelimit
