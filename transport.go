package lro

import (
	"net/http"
	"net/url"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// Transport is an http.RoundTripper that completes long-running operations:
// when a response starts one, RoundTrip polls it to the end and returns the
// final response. Other responses pass through untouched.
//
// A Transport is immutable after New and safe for concurrent use. It starts
// no goroutines and keeps no state between requests. Its zero value is not
// usable; call New.
type Transport struct {
	base http.RoundTripper
	cfg  config
}

// New returns a Transport that sends requests through base, configured by
// opts. A nil base means http.DefaultTransport.
func New(base http.RoundTripper, opts ...Option) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	t := &Transport{base: base, cfg: defaultConfig()}
	for _, o := range opts {
		o.apply(&t.cfg)
	}
	return t
}

// RoundTrip sends req through the base transport. If the response starts a
// long-running operation, RoundTrip polls it to the end and returns the
// final response (see the package documentation for how this deviates from
// the http.RoundTripper contract); otherwise it returns the response as is.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp == nil || pollingDisabled(req.Context()) {
		return resp, err
	}
	kind := detect.Classify(req.Method, resp.StatusCode, resp.Header)
	var cfg *config
	if kind != detect.Headers {
		cfg = configFor(&t.cfg, req.Context())
		kind = cfg.claim(kind, req, resp)
	}
	if kind == detect.None {
		return resp, nil
	}
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	if cfg == nil {
		cfg = configFor(&t.cfg, req.Context())
	}
	s, op, peeked, err := begin(cfg, req, resp, kind)
	if err != nil {
		drain(resp.Body)
		return nil, err
	}
	if op == nil {
		return resp, nil
	}
	if cfg.jar != nil {
		if cks := resp.Cookies(); len(cks) > 0 {
			cfg.jar.SetCookies(req.URL, cks)
		}
	}
	r := newRun(t.base, cfg, req.Context(), req, origin{url: req.URL, header: req.Header}, s, op)
	r.requests = 1
	return r.complete(resp, peeked)
}

// begin decides whether resp starts an operation and, if so, which strategy
// owns it. op is nil when resp passes through; its body is then intact.
func begin(cfg *config, req *http.Request, resp *http.Response, kind detect.Kind) (strategies.Strategy, *strategies.Operation, []byte, error) {
	peeked := peekBody(resp)
	if kind == detect.Body && !detect.StartsByBody(peeked) {
		return nil, nil, nil, nil
	}
	u := req.URL
	if u.User != nil { // a token never holds the URL's credentials
		u2 := *u
		u2.User = nil
		u = &u2
	}
	if maxURLLen(u) > strategies.MaxURLLength && len(u.String()) > strategies.MaxURLLength {
		return nil, nil, nil, nil // no token could resume it: pass through
	}
	// Initial and its Response escape to the strategies: one allocation
	// for both.
	in := &struct {
		init strategies.Initial
		resp strategies.Response
	}{
		init: strategies.Initial{Method: req.Method, URL: u, FinalStateVia: string(cfg.finalStateVia)},
		resp: strategies.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: peeked, URL: u},
	}
	in.init.Response = &in.resp
	s, op, err := cfg.startOperation(&in.init)
	if op == nil {
		return nil, nil, nil, err
	}
	if st, svc, ok := detect.InitialState(peeked); ok && st.Terminal() {
		op.Status, op.ServiceStatus = st, svc
	}
	return s, op, peeked, nil
}

// claim returns detect.Headers (the chain decides) when a Claimer of the
// chain claims a response detect classified as kind, and kind otherwise.
func (c *config) claim(kind detect.Kind, req *http.Request, resp *http.Response) detect.Kind {
	for _, cl := range c.claimers {
		if cl.Claims(req.Method, req.URL, resp.StatusCode, resp.Header) {
			return detect.Headers
		}
	}
	return kind
}

// CloseIdleConnections closes the idle connections of the base transport,
// when it has such a method.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// maxURLLen bounds len(u.String()) without building it: escaping at most
// triples a byte. Most URLs are far below MaxURLLength and need no String.
func maxURLLen(u *url.URL) int {
	n := len(u.Scheme) + len(u.RawQuery) + len(u.Opaque) + len(u.User.String()) + 8
	return n + 3*(len(u.Host)+len(u.Path)+len(u.RawPath)+len(u.Fragment)+len(u.RawFragment))
}
