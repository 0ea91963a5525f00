// Package cache is HTTP middleware that caches responses in memory and
// collapses concurrent identical requests into one upstream call. It reduces
// the load a slow dependency sees, so fewer requests wait on it.
//
//	c := cache.New(cache.WithTTL(30*time.Second), cache.WithMaxEntries(10_000), cache.WithVaryHeaders("Accept-Language"))
//	mux.Handle("GET /products/{id}", c.Middleware(productHandler))
//
// A response is stored under the request's method, host, path and query and
// the values of the vary headers ([WithVaryHeaders]), and served until its TTL ends. By default
// only GET and HEAD requests and 200 responses are cached. Responses with
// Cache-Control no-store, private or no-cache, or with Set-Cookie, are never
// stored, and requests with an Authorization header bypass the cache unless
// Authorization is one of the vary headers. Requests with a Cookie bypass it
// too, unless Cookie is one of the vary headers or [WithIgnoreCookies] is
// given; they are served only entries that are explicitly public (Cache-Control
// public or s-maxage). A request header that a handler reads and a client
// controls, such as X-Forwarded-Host, must be one of the vary headers, or one
// client's value is served to all. A Cache-Control max-age or s-maxage
// shorter than the TTL shortens it. The cache is bounded by entry count and
// optionally by bytes, evicting the least recently used entry first.
//
// On a miss, concurrent requests with the same key wait for the first one,
// the leader, which calls the next handler with its own request; the others
// get a copy of its response. A follower whose context ends stops waiting
// without disturbing the leader. If the leader's own request is cancelled,
// its response is not shared and the followers try again.
//
// Responses carry X-Cache: HIT (served from the cache, with an Age header),
// MISS (the next handler ran for this request) or SHARED (a copy of a
// concurrent leader's response).
package cache
