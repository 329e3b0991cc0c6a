package lro

import (
	"net/http"
)

// Transport is an http.RoundTripper that completes long-running operations:
// when a response starts one, RoundTrip polls it to the end and returns the
// final response. Other responses pass through untouched.
//
// A Transport is immutable after New and safe for concurrent use. It starts
// no goroutines (when the poll timeout's timer fires, the runtime runs its
// function, which cancels a request or re-arms the timer, on one of its
// own for that moment) and keeps no state between requests. Its zero value
// is not usable; call New.
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
	cfg := configFor(&t.cfg, req.Context())
	if pollingDisabled(req.Context()) {
		return t.base.RoundTrip(markUnpolled(cfg, req))
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	s, op, peeked, pollURL, err := cfg.start(req, resp)
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
	r := newRun(t.base, cfg, req.Context(), req, origin{url: req.URL, header: req.Header, lastTarget: op.PollURL, lastURL: pollURL, lastChecked: pollURL != nil}, s, op)
	r.requests = 1
	return r.complete(resp, peeked)
}

// CloseIdleConnections closes the idle connections of the base transport,
// when it has such a method.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
