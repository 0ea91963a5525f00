package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns a KeyFunc that keys requests by client address, reading
// forwarding headers only from the trusted proxies given; it is
// ClientIPWith(TrustedProxies(trusted...)). See [ClientIPWith].
func ClientIP(trusted ...netip.Prefix) KeyFunc {
	return ClientIPWith(TrustedProxies(trusted...))
}

// IPOption configures [ClientIPWith].
type IPOption func(*ipConfig)

type ipConfig struct {
	trusted []netip.Prefix
	realIP  bool
	v4, v6  int
}

// TrustedProxies names your own proxies: only requests that come directly
// from one of these prefixes have their forwarding headers read. Without
// any, headers are never read.
func TrustedProxies(p ...netip.Prefix) IPOption {
	return func(c *ipConfig) { c.trusted = append(c.trusted, p...) }
}

// TrustXRealIP reads X-Real-IP from a trusted proxy when it sent no
// X-Forwarded-For. Set it only if your proxy always overwrites X-Real-IP:
// many pass a client's own value through, which lets any client pick its key.
func TrustXRealIP() IPOption { return func(c *ipConfig) { c.realIP = true } }

// IPv6Prefix sets how many leading bits of an IPv6 address make the key
// (default 64, clamped to [1, 128]). A subscriber usually gets a whole /64
// (often a /56 or /48) and can pick any address in it, so a full-address key
// lets one client take as many buckets as it likes.
func IPv6Prefix(bits int) IPOption { return func(c *ipConfig) { c.v6 = min(max(bits, 1), 128) } }

// IPv4Prefix sets how many leading bits of an IPv4 address make the key
// (default 32, the whole address; clamped to [1, 32]). Use 24 to treat a
// /24 as one client.
func IPv4Prefix(bits int) IPOption { return func(c *ipConfig) { c.v4 = min(max(bits, 1), 32) } }

// ClientIPWith returns a KeyFunc that keys requests by client address.
//
// The direct peer (the host of [http.Request.RemoteAddr]) is the client
// unless it is inside one of the [TrustedProxies], that is, one of your own
// proxies. Only then are forwarding headers read: X-Forwarded-For from right
// to left, skipping the addresses of trusted proxies, and the first untrusted
// address is the client; if every hop is trusted, the leftmost is. A
// malformed entry stops the walk at the last good hop, so a client cannot
// smuggle a key past it. X-Real-IP is read only with [TrustXRealIP], and only
// when X-Forwarded-For is absent.
//
// Addresses are normalised (IPv4-mapped IPv6 to IPv4, zones dropped) and
// masked: IPv6 clients are keyed by their /64 ([IPv6Prefix]), as
// "2001:db8:1:2::/64", IPv4 clients by their address ([IPv4Prefix]).
func ClientIPWith(opts ...IPOption) KeyFunc {
	c := ipConfig{v4: 32, v6: 64}
	for _, o := range opts {
		o(&c)
	}
	trusted := c.trusted
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
			return c.key(peer)
		}
		xff := r.Header.Values("X-Forwarded-For")
		if len(xff) == 0 {
			if c.realIP {
				if a, ok := parseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ok {
					return c.key(a)
				}
			}
			return c.key(peer)
		}
		client := peer
		for i := len(xff) - 1; i >= 0; i-- {
			hops := strings.Split(xff[i], ",")
			for j := len(hops) - 1; j >= 0; j-- {
				a, ok := parseAddr(strings.TrimSpace(hops[j]))
				if !ok {
					return c.key(client)
				}
				if !isTrusted(a) {
					return c.key(a)
				}
				client = a
			}
		}
		return c.key(client)
	}
}

// key masks a to the configured prefix.
func (c *ipConfig) key(a netip.Addr) string {
	bits := c.v4
	if a.Is6() {
		bits = c.v6
	}
	if bits >= a.BitLen() {
		return a.String()
	}
	p, err := a.Prefix(bits)
	if err != nil { // cannot happen: bits is in range
		return a.String()
	}
	return p.String()
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
