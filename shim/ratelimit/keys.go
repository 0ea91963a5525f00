package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns a KeyFunc that keys requests by client address.
//
// The direct peer (the host of [http.Request.RemoteAddr]) is the client
// unless it is inside one of the trusted prefixes, that is, one of your own
// proxies. Only then are forwarding headers read: X-Forwarded-For from right
// to left, skipping the addresses of trusted proxies, and the first untrusted
// address is the client; if every hop is trusted, the leftmost is. A malformed
// entry stops the walk at the last good hop, so a client cannot smuggle a key
// past it. X-Real-IP is read only when X-Forwarded-For is absent. With no
// trusted prefixes, headers are never read.
//
// Addresses are normalised (IPv4-mapped IPv6 to IPv4, zones dropped). IPv6
// clients are keyed by full address; a client with a /64 can take many keys,
// so bound memory with [WithMaxKeys] (the default does).
func ClientIP(trusted ...netip.Prefix) KeyFunc {
	trusted = append([]netip.Prefix(nil), trusted...)
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		peer, ok := parseAddr(r.RemoteAddr)
		if !ok {
			return r.RemoteAddr // e.g. a unix socket: nothing better to key on
		}
		if len(trusted) == 0 || !isTrusted(peer) {
			return peer.String()
		}
		xff := r.Header.Values("X-Forwarded-For")
		if len(xff) == 0 {
			if a, ok := parseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ok {
				return a.String()
			}
			return peer.String()
		}
		client := peer
		for i := len(xff) - 1; i >= 0; i-- {
			hops := strings.Split(xff[i], ",")
			for j := len(hops) - 1; j >= 0; j-- {
				a, ok := parseAddr(strings.TrimSpace(hops[j]))
				if !ok {
					return client.String()
				}
				if !isTrusted(a) {
					return a.String()
				}
				client = a
			}
		}
		return client.String()
	}
}

// parseAddr parses an address with or without a port.
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		host, _, err2 := net.SplitHostPort(s)
		if err2 != nil {
			return netip.Addr{}, false
		}
		if a, err = netip.ParseAddr(host); err != nil {
			return netip.Addr{}, false
		}
	}
	return a.Unmap().WithZone(""), true
}

// ParsePrefixes parses trusted proxy addresses for [ClientIP]: CIDR prefixes
// ("10.0.0.0/8") or single addresses ("192.0.2.7").
func ParsePrefixes(s ...string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(s))
	for _, v := range s {
		v = strings.TrimSpace(v)
		if strings.Contains(v, "/") {
			p, err := netip.ParsePrefix(v)
			if err != nil {
				return nil, fmt.Errorf("ratelimit: trusted proxy %q: %w", v, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, fmt.Errorf("ratelimit: trusted proxy %q: %w", v, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Header returns a KeyFunc that keys requests by the value of a header, such
// as an API key. Requests without the header share one bucket.
func Header(name string) KeyFunc {
	name = http.CanonicalHeaderKey(name)
	return func(r *http.Request) string { return r.Header.Get(name) }
}
