// Package ratelimit limits the rate of requests, globally or per key, over
// golang.org/x/time/rate token buckets, and answers the excess with
// 429 Too Many Requests and a Retry-After header.
//
// A [Limiter] without a key function has one bucket for all requests. With
// [WithKey] it has one bucket per key: per client address ([ClientIP]), per
// header value such as an API key ([Header]), or per anything a
// [KeyFunc] returns.
//
// Client addresses: [ClientIP] honours X-Forwarded-For and X-Real-IP only when
// the request comes directly from a trusted proxy, and then only as far back as
// the chain of trusted proxies goes. Trusting X-Forwarded-For blindly lets any
// client pick its own key, and so its own limit (chi #711, httprate #53,
// tollbooth #2).
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
