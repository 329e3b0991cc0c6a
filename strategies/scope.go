package strategies

import (
	"net/http"
	"net/url"
)

// OnHosts returns s restricted to requests whose host is one of domains or a
// subdomain of one (matched without regard to case, port ignored): Applies is
// false everywhere else, and every other method is s's own. A Canceler stays
// a Canceler, and an ErrorReader reads its own errors still. Use it for a
// protocol that is detected by its body, which is safe to assume only on its
// vendor's hosts; the default chain scopes Google's strategies to
// googleapis.com this way.
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

// HostUnder reports whether host is domain or a subdomain of it, ignoring
// ASCII case and one trailing dot on either. It does not allocate.
func HostUnder(host, domain string) bool {
	host, domain = trimDot(host), trimDot(domain)
	if domain == "" || len(host) < len(domain) {
		return false
	}
	tail := host[len(host)-len(domain):]
	if !equalFoldASCII(tail, domain) {
		return false
	}
	return len(host) == len(domain) || host[len(host)-len(domain)-1] == '.'
}

func trimDot(s string) string {
	if len(s) > 0 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
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
