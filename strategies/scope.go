package strategies

import (
	"net/http"
	"net/url"
)

// OnHosts returns s restricted to requests whose host is one of domains or a
// subdomain of one (HostUnder; the port is ignored): Applies is false
// everywhere else, and every other method is s's own. A Canceler stays a
// Canceler, and an ErrorReader reads its own errors still. Use it for a
// protocol that is detected by its body, which is safe to assume only on
// its vendor's hosts; the default chain scopes Google's strategies to
// googleapis.com this way. The opt-in strategies (asyncreply, repeatget,
// rules) take their host patterns in their constructor instead, so that one
// made without them applies nowhere.
func OnHosts(s Strategy, domains ...string) Strategy {
	sc := scoped{Strategy: s, domains: append([]string(nil), domains...)}
	if c, ok := s.(Canceler); ok {
		return scopedCanceler{sc, c}
	}
	return sc
}

type scoped struct {
	Strategy
	domains []string
}

type scopedCanceler struct {
	scoped
	Canceler
}

// Applies asks s first: its status and header tests are cheaper than the
// host's, and rule out most responses (every GET, for a body-detected
// protocol), so most requests never pay for the host check.
func (s scoped) Applies(method string, u *url.URL, statusCode int, header http.Header) bool {
	return u != nil && s.Strategy.Applies(method, u, statusCode, header) && s.onHosts(u)
}

// ReadError reads errors as the scoped strategy does (ReadError), so that
// an ErrorReader keeps reading its own.
func (s scoped) ReadError(op *Operation, resp *Response) ServiceError {
	return ReadError(s.Strategy, op, resp)
}

func (s scoped) onHosts(u *url.URL) bool {
	h := u.Hostname()
	for _, d := range s.domains {
		if HostUnder(h, d) {
			return true
		}
	}
	return false
}

// HostUnder reports whether host, a URL's Hostname (no port, no brackets),
// is domain or a subdomain of it. It is the one host rule of lro: for
// credentials (the original host and WithTrustedHosts), for the URL policy's
// exemptions (WithAllowedHosts), and for where a strategy applies (OnHosts,
// MatchHost). It treats as one host what net/http and browsers reach as one:
//   - ASCII letters match without regard to case; other bytes only
//     themselves (the Kelvin sign is not k);
//   - one trailing dot on either is ignored: "example.com." is the absolute
//     form of "example.com";
//   - a subdomain ends in "." + domain: "evil-example.com" is not under
//     "example.com";
//   - an IP address has no subdomains and matches only itself: an IPv6
//     literal (with or without a zone), or a name whose last label is a
//     number ("1.2.3.4", "0x7f.1"), which URL parsers read as IPv4;
//   - a domain may be an IPv6 literal in brackets ("[::1]"); one with a port
//     matches nothing, nor does an empty host or domain.
//
// It does not allocate.
func HostUnder(host, domain string) bool {
	if len(domain) > 1 && domain[0] == '[' && domain[len(domain)-1] == ']' {
		domain = domain[1 : len(domain)-1]
	}
	host, domain = trimDot(host), trimDot(domain)
	if host == "" || domain == "" || len(host) < len(domain) {
		return false
	}
	tail := host[len(host)-len(domain):]
	if !equalFoldASCII(tail, domain) {
		return false
	}
	if len(host) == len(domain) {
		return true
	}
	return host[len(host)-len(domain)-1] == '.' && !isAddress(host)
}

func trimDot(s string) string {
	if len(s) > 0 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

// isAddress reports whether host (without its trailing dot) is an IP
// address rather than a name: it holds a colon or a zone's "%" (IPv6), or
// its last label is a number, decimal or "0x" hexadecimal, as the WHATWG
// URL standard's "ends in a number" reads IPv4 (a DNS name's top-level
// label is never numeric).
func isAddress(host string) bool {
	last := host
	for i := len(host) - 1; i >= 0; i-- {
		switch c := host[i]; {
		case c == ':' || c == '%':
			return true
		case c == '.' && len(last) == len(host):
			last = host[i+1:]
		}
	}
	if last == "" {
		return false
	}
	hex := len(last) >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')
	if hex {
		last = last[2:]
	}
	for i := 0; i < len(last); i++ {
		c := last[i]
		digit := '0' <= c && c <= '9'
		if hex {
			digit = digit || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
		}
		if !digit {
			return false
		}
	}
	return true
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
