package lro

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
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

	// What send built for lastURL, once checkURL passed it: the request
	// without its context (each request sent is a shallow copy carrying
	// its own), and whether its dialled address needs watching. The
	// requests to one URL share its header map, which RoundTrippers must
	// not modify either. nil until built, and always with a cookie jar,
	// which gives each request its own header.
	lastReq   *http.Request
	lastGuard bool
	// lastChecked is whether lastURL is the polling URL checkStart
	// passed through checkURL against this origin: requests to it are
	// not checked again (checkURL depends on nothing else).
	lastChecked bool
	// sentTo is the URL the last first request (below a template) went
	// to: a second request to it builds lastReq. Most URLs get one request
	// (a final GET, a poll that sees the end), which then needs no
	// template: it is built on send's stack.
	sentTo *url.URL

	// trustedHeader is the header of requests to trusted hosts, built
	// once per operation (newRequest) and shared by them, without a
	// cookie jar.
	trustedHeader http.Header
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
// may go to host u: the original host, its subdomains and WithTrustedHosts,
// by strategies.HostUnder.
func (c *config) trusted(o *origin, u *url.URL) bool {
	h := u.Hostname()
	if strategies.HostUnder(h, o.url.Hostname()) {
		return true
	}
	for _, t := range c.trustedHosts {
		if strategies.HostUnder(h, t) {
			return true
		}
	}
	return false
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

// newRequest builds a request of u without context (send gives each request
// sent its own): no body, the original headers minus body, conditional and
// idempotency ones, and only the safe ones (foreignHeader) when u's host is
// not trusted; the original api-version when u is on the original host and
// lacks one; and the jar's cookies. Without a jar, the requests of an
// operation to trusted hosts share one header map (o.trustedHeader).
func (c *config) newRequest(o *origin, method string, u *url.URL) *http.Request {
	req := new(http.Request)
	c.fillRequest(o, method, u, req)
	return req
}

// fillRequest is newRequest into req, which it does not keep.
func (c *config) fillRequest(o *origin, method string, u *url.URL, req *http.Request) {
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
	h := o.trustedHeader
	if !trusted || h == nil || c.jar != nil {
		h = make(http.Header, len(o.header))
		for k, v := range o.header {
			if !skipHeader(k) && (trusted || c.foreignHeader(k)) {
				h[k] = v
			}
		}
		if trusted && c.jar == nil {
			o.trustedHeader = h
		}
	}
	*req = http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       u.Host,
	}
	if c.jar != nil {
		for _, ck := range c.jar.Cookies(u) {
			req.AddCookie(ck)
		}
	}
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
		o.lastTarget, o.lastURL, o.lastReq, o.lastChecked = target, u, nil, false
	}
	for hops := 0; ; hops++ {
		// A poll of the URL the last one went to reuses what was
		// checked and built for it: only the shallow copy that carries
		// ctx is new.
		tmpl, guarded := o.lastReq, o.lastGuard
		fresh := hops > 0 || tmpl == nil || tmpl.Method != method
		if fresh {
			if hops > 0 || !o.lastChecked { // u is o.lastURL at hop 0
				if err := c.checkURL(o, u, source); err != nil {
					return nil, err
				}
			}
			guarded = c.needsGuard(o, u)
		}
		rctx, guard := ctx, (*dialGuard)(nil)
		if guarded {
			rctx, guard = c.watchDial(ctx, o, u, source)
		}
		var req *http.Request
		switch {
		case !fresh:
			req = tmpl.WithContext(rctx)
		case hops == 0 && c.jar == nil && o.sentTo == u:
			// The second request to u: polls go on to it, so keep
			// what is built for it.
			tmpl = c.newRequest(o, method, u)
			o.lastReq, o.lastGuard = tmpl, guarded
			req = tmpl.WithContext(rctx)
		default:
			// A first request to u (or a redirect's hop): built on the
			// stack, only its copy with ctx is allocated.
			var v http.Request
			c.fillRequest(o, method, u, &v)
			req = v.WithContext(rctx)
			if hops == 0 {
				o.sentTo = u
			}
		}
		if guard != nil {
			guard.base, guard.req = base, req
		}
		*n++
		resp, err := base.RoundTrip(req)
		if guard != nil {
			if ferr := guard.done(resp); ferr != nil {
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
		if !isRedirect(resp.StatusCode) {
			return resp, nil
		}
		loc := resp.Header.Get("Location")
		if loc == "" {
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

// attempt sends one request, sent at sent (fetch), bounded by the poll
// timeout. A response it returns has a readable body: the bytes read
// (r.buf, with r.body reading them), or the live body of a streamed 2xx.
//
// The requests of an operation carry one context, r.pt.ctx, and one timer
// that cancels it when a request runs past the poll timeout (pollTimer): no
// context or timer is allocated per request, and a request costs no timer
// operation either. A poll is bounded until its body is read; the final GET
// only until its headers (or its error body) are: a 2xx body streams to the
// caller for as long as it takes, and takes the context with it
// (cancelBody). After the timer canceled it, the next request gets a fresh
// context.
//
// The poll timeout is not cut short by the operation's deadline (WithMaxWait
// is checked between requests), so a request in flight may end up to one poll
// timeout past it. A shorter deadline would fire while answers arrive far more
// often, and net/http's Transport has a race there: a request canceled just
// as a bodiless response (a 202 without Content-Length, say) puts its
// connection back in the idle pool can close that connection under the next
// request, which then fails with the first one's context error. Seen in
// TestSoak as another caller's initial request failing with a bare "context
// deadline exceeded". The shared context is only canceled by its timer,
// while a request is in flight, or once the operation is over.
func (r *run) attempt(target, source string, read bool, sent time.Time) (*http.Response, []byte, error) {
	ctx := r.requestContext(sent)
	resp, err := r.cfg.send(ctx, r.base, &r.o, http.MethodGet, target, source, &r.requests)
	if err != nil {
		return nil, nil, r.timedOut(r.endRequest(), target, err)
	}
	if !read && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if r.endRequest() { // the timer fired as the headers came
			resp.Body.Close()
			return nil, nil, r.timedOut(true, target, context.Canceled)
		}
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: r.handOff(), op: r.op, url: target}
		return resp, nil, nil
	}
	body, err := readStatusBody(r.buf[:0], resp.Body, resp.ContentLength, r.cfg.maxStatusBody)
	fired := r.endRequest()
	if err != nil {
		if te, ok := r.timedOut(fired, target, err).(*pollTimeoutError); ok {
			te.reading = true
			return nil, nil, te
		}
		if !errors.Is(err, ErrBodyTooLarge) {
			err = &readError{url: resp.Request.URL.Redacted(), err: err}
		}
		return nil, nil, err
	}
	r.buf = body
	resp.Body = http.NoBody
	if len(body) > 0 {
		r.body.Reset(body)
		resp.Body = &r.body
	}
	return resp, body, nil
}
