package lro

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/lrohttp/lro/strategies"
)

// maxRedirects bounds the redirects one poll follows, as net/http does.
const maxRedirects = 10

// origin is what the requests of one operation inherit from the request that
// started it.
type origin struct {
	url    *url.URL
	header http.Header // nil under Resume

	// The last target send parsed, and its URL: polls GET the same URL
	// again and again. Requests share the URL, which RoundTrippers must
	// not modify.
	lastTarget string
	lastURL    *url.URL
}

// skipHeader reports whether a header of the original request stays off
// polls: body, conditional and idempotency headers.
func skipHeader(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf { // not a valid header name: as before
			k := strings.ToLower(key)
			return strings.HasPrefix(k, "content-") || strings.HasPrefix(k, "if-") ||
				strings.HasPrefix(k, "repeatability-") || k == "idempotency-key"
		}
	}
	return hasPrefixFold(key, "content-") || hasPrefixFold(key, "if-") ||
		hasPrefixFold(key, "repeatability-") || len(key) == len("idempotency-key") && hasPrefixFold(key, "idempotency-key")
}

// hasPrefixFold is strings.HasPrefix(strings.ToLower(s), prefix) for ASCII
// s and lower-case ASCII prefix, without building the lower-case string.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// trusted reports whether all the original headers, credentials included,
// may go to host u.
func (c *config) trusted(o *origin, u *url.URL) bool {
	h := asciiLower(u.Hostname())
	if isDomainOrSubdomain(h, asciiLower(o.url.Hostname())) {
		return true
	}
	for _, t := range c.trustedHosts {
		if isDomainOrSubdomain(h, asciiLower(t)) {
			return true
		}
	}
	return false
}

// isDomainOrSubdomain reports whether sub is parent or a subdomain of it.
func isDomainOrSubdomain(sub, parent string) bool {
	if sub == parent {
		return true
	}
	// IP addresses and IPv6 literals have no subdomains.
	if strings.ContainsAny(sub, ":") || parent == "" {
		return false
	}
	return strings.HasSuffix(sub, parent) && sub[len(sub)-len(parent)-1] == '.'
}

// asciiLower lowercases the ASCII letters of a host name. strings.ToLower
// would map some non-ASCII letters to ASCII ones (the Kelvin sign to k),
// making two hosts DNS tells apart look the same.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// checkURL refuses URLs the operation must not follow: schemes other than
// http and https, a step down from https to http, and targets the URL
// policy forbids (checkTarget).
func (c *config) checkURL(o *origin, u *url.URL, source string) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return &strategies.URLError{Source: source, URL: u.Redacted(), Reason: "scheme is not http or https"}
	}
	if u.Host == "" {
		return &strategies.URLError{Source: source, URL: u.Redacted(), Reason: "no host"}
	}
	if o.url.Scheme == "https" && u.Scheme == "http" {
		return &strategies.URLError{Source: source, URL: u.Redacted(), Reason: "refusing to downgrade from https to http"}
	}
	return c.checkTarget(o, u, source)
}

// newRequest builds a GET of u: a fresh request with ctx, no body, the
// original headers minus body, conditional and idempotency ones, and only
// the safe ones (foreignHeader) when u's host is not trusted; the original api-version when u
// is on the original host and lacks one; and the jar's cookies.
func (c *config) newRequest(ctx context.Context, o *origin, method string, u *url.URL) *http.Request {
	sameHost := strings.EqualFold(u.Host, o.url.Host)
	if sameHost && o.url.RawQuery != "" && !hasQueryKey(u.RawQuery, "api-version") {
		// Append the original pair as sent, leaving the rest of the query
		// byte for byte (it may be signed).
		if pair := queryPair(o.url.RawQuery, "api-version"); pair != "" {
			u2 := *u
			if u2.RawQuery == "" {
				u2.RawQuery = pair
			} else {
				u2.RawQuery += "&" + pair
			}
			u = &u2
		}
	}
	trusted := c.trusted(o, u)
	h := make(http.Header, len(o.header))
	for k, v := range o.header {
		if !skipHeader(k) && (trusted || c.foreignHeader(k)) {
			h[k] = v
		}
	}
	req := (&http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       u.Host,
	}).WithContext(ctx)
	if c.jar != nil {
		for _, ck := range c.jar.Cookies(u) {
			req.AddCookie(ck)
		}
	}
	return req
}

// queryPair returns the first "key=value" pair of raw query q with a
// non-empty value, as it appears in q, or "".
func queryPair(q, key string) string {
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if k, v, _ := strings.Cut(kv, "="); k == key && v != "" {
			return kv
		}
	}
	return ""
}

// hasQueryKey reports whether raw query q has key, without allocating.
func hasQueryKey(q, key string) bool {
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		k, _, _ := strings.Cut(kv, "=")
		if k == key {
			return true
		}
	}
	return false
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// send GETs target (or sends method to it), following redirects: each hop
// is checked like the first, and credentials are kept only for trusted
// hosts. It returns the first response that is not a redirect, with
// resp.Request set to the request that produced it. n counts requests sent.
func (c *config) send(ctx context.Context, base http.RoundTripper, o *origin, method, target, source string, n *int) (*http.Response, error) {
	u := o.lastURL
	if u == nil || target != o.lastTarget {
		var err error
		u, err = url.Parse(target)
		if err != nil {
			return nil, &strategies.URLError{Source: source, URL: target, Reason: "does not parse"}
		}
		o.lastTarget, o.lastURL = target, u
	}
	for hops := 0; ; hops++ {
		if err := c.checkURL(o, u, source); err != nil {
			return nil, err
		}
		var guard *dialGuard
		rctx := ctx
		if c.needsGuard(o, u) {
			guard = &dialGuard{c: c, o: o, u: u, source: source}
			rctx = httptrace.WithClientTrace(ctx, guard.trace())
		}
		req := c.newRequest(rctx, o, method, u)
		if guard != nil {
			guard.proxied = proxiedFunc(base, req)
		}
		*n++
		resp, err := base.RoundTrip(req)
		if guard != nil {
			if ferr := guard.err.Load(); ferr != nil {
				if resp != nil && resp.Body != nil {
					resp.Body.Close() // not drained: nothing of it is read
				}
				return nil, ferr
			}
		}
		if err != nil {
			return nil, &url.Error{Op: "Get", URL: u.Redacted(), Err: err}
		}
		if resp.Body == nil {
			resp.Body = http.NoBody
		}
		resp.Request = req
		if c.jar != nil {
			if cks := resp.Cookies(); len(cks) > 0 {
				c.jar.SetCookies(u, cks)
			}
		}
		loc := resp.Header.Get("Location")
		if !isRedirect(resp.StatusCode) || loc == "" {
			return resp, nil
		}
		drain(resp.Body)
		if hops == maxRedirects {
			return nil, fmt.Errorf("%w (last: %s)", ErrTooManyRedirects, u.Redacted())
		}
		next, err := strategies.Resolve(u, "redirect Location", loc)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusSeeOther {
			method = http.MethodGet
		}
		u, source = next, "redirect Location"
	}
}
