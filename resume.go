package lro

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/lrohttp/lro/strategies"
)

// ResumeToken returns a token for the operation that resp starts. resp is an
// initial response returned under WithoutPolling; its request must be set
// (as http.Client sets it). ResumeToken reads at most 64 KiB of the body and
// puts them back, so resp stays readable. The token is opaque, versioned
// text (base64url of JSON) holding the method, URLs, strategy,
// final-state-via, status and the strategy's Data, and, in tokens made
// after a poll, the not-found grace's state (whether the operation has
// been visible, and when its 404s began): no header, cookie or credential.
//
// The strategies asked are those of the Transport that returned resp under
// WithoutPolling, with the request's own options (WithOptions): the
// Transport records them in the context of the request it sends (see the
// package documentation). For a response that came another way, the
// default chain with the request's options is asked.
//
// A response that starts no operation gives an error wrapping
// ErrNotOperation; when it is the final response lro returned after
// polling, the error says so, and that WithoutPolling gives the response to
// take a token from.
func ResumeToken(resp *http.Response) (string, error) {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return "", fmt.Errorf("%w: response has no request", ErrNotOperation)
	}
	req := resp.Request
	cfg, _ := req.Context().Value(unpolledKey{}).(*config)
	if cfg == nil {
		def := defaultConfig()
		cfg = configFor(&def, req.Context())
	}
	_, op, _, _, err := cfg.start(req, resp)
	if err != nil {
		return "", err
	}
	if op == nil {
		if polledByLRO(resp) {
			return "", errPolledAlready
		}
		return "", ErrNotOperation
	}
	return encodeToken(op, tokenState{})
}

// errPolledAlready is ResumeToken's answer for a final response lro
// returned after polling: the token was to be had from the initial one.
var errPolledAlready = fmt.Errorf("%w: lro polled this operation to its end and this is its final response; "+
	"for a token, send the request under WithoutPolling(ctx) and pass ResumeToken the response you get", ErrNotOperation)

// polledByLRO reports whether resp is a final response lro returned after
// polling: its body is one lro put there (a final GET's, or the bytes of a
// response lro read). A bodiless one cannot be told from any other.
func polledByLRO(resp *http.Response) bool {
	switch resp.Body.(type) {
	case *cancelBody, *bytesReadCloser:
		return true
	}
	return false
}

// unpolledKey is the context key under which markUnpolled records the
// configuration a request was sent under.
type unpolledKey struct{}

// markUnpolled returns the request to send under WithoutPolling: a shallow
// copy of req whose context records cfg, so that ResumeToken, given the
// response (whose Request it is), asks this Transport's chain.
func markUnpolled(cfg *config, req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), unpolledKey{}, cfg))
}

// resumeRun decodes token into a run under ctx.
func (t *Transport) resumeRun(ctx context.Context, token string) (*run, error) {
	op, st, err := decodeToken(token)
	if err != nil {
		return nil, err
	}
	cfg := configFor(&t.cfg, ctx)
	if err := cfg.checkToken(op); err != nil {
		return nil, err
	}
	s := lookupStrategy(cfg.chain, op.Strategy)
	if s == nil {
		return nil, fmt.Errorf("%w: strategy %q is not in the transport's chain", ErrInvalidToken, op.Strategy)
	}
	u, _ := url.Parse(op.URL) // validated by decodeToken
	r := newRun(t.base, cfg, ctx, nil, origin{url: u}, s, op)
	// The not-found grace goes on from where the token left it; r.start
	// (max-wait, elapsed) counts from this call. A grace that began in the
	// future by this clock began now.
	r.visible, r.notFoundSince = st.visible, st.notFoundSince
	if r.notFoundSince.After(r.start) {
		r.notFoundSince = r.start
	}
	return r, nil
}

// Resume completes the operation a token describes, by the same rules as
// RoundTrip, and returns its final response. It works from any process and
// any Transport whose chain has the token's strategy. Polls carry no header
// of the original request: credentials come from the base transport (an
// auth layer below lro). The first poll is sent at once. WithMaxWait counts
// from the call; the not-found grace (WithNotFoundGrace) goes on from the
// token: from when its 404s began, and over once the operation has been
// visible.
func (t *Transport) Resume(ctx context.Context, token string) (resp *http.Response, err error) {
	r, err := t.resumeRun(ctx, token)
	if err != nil {
		return nil, err
	}
	r.started(nil)
	defer func() { r.done(err, false) }()
	next, target := r.decide(nil)
	return r.drive(nil, nil, next, target, 0, WaitSchedule)
}

// PollResult is what one step of Transport.Poll found.
type PollResult struct {
	// Status is the operation's state, and ServiceStatus the status string
	// the service last sent.
	Status        strategies.Status
	ServiceStatus string
	// Done is true when Response is the operation's final response.
	Done bool
	// Response is the final response when Done, else nil.
	Response *http.Response
	// Token is the updated token: pass it to the next Poll.
	Token string
	// Next is how long to wait before the next Poll: the server's
	// Retry-After, else the poll interval or schedule.
	Next time.Duration
}

// Poll takes one step of the operation a token describes, for callers that
// cannot block (a Kubernetes-style reconciler, say): it sends one request
// (following redirects, but without retries or waits) and returns at once.
// While the operation runs, that request is a poll. Once a poll reports
// success and the result needs a final GET, Poll returns Status Succeeded
// with Done false; the next call sends the final GET and returns Done.
// A failed operation returns Done and an *OperationError. The token
// carries the not-found grace from step to step, so a chain of Poll steps
// applies it as one RoundTrip does: a monitor that answers 404 for longer
// than the grace (from the first step's poll) ends with a *ResponseError.
func (t *Transport) Poll(ctx context.Context, token string) (res PollResult, err error) {
	r, err := t.resumeRun(ctx, token)
	if err != nil {
		return PollResult{}, err
	}
	cfg := *r.cfg
	cfg.maxRetries = 0
	r.cfg = &cfg
	r.started(nil)
	defer func() { r.done(err, err == nil && !res.Done) }()
	next, target := r.decide(nil)
	if next != pollAgain { // a succeeded token whose result is a GET: this step sends it
		resp, err := r.act(next, target, nil, nil)
		if err != nil {
			return PollResult{Status: r.op.Status, Token: token}, err
		}
		return PollResult{Status: r.op.Status, ServiceStatus: r.op.ServiceStatus, Done: true, Response: resp, Token: token}, nil
	}
	last, body, err := r.poll(time.Time{})
	if err != nil {
		return PollResult{Status: r.op.Status, Token: token}, err
	}
	res = PollResult{Status: r.op.Status, ServiceStatus: r.op.ServiceStatus, Token: r.token()}
	res.Next, _ = r.nextDelay(last.Header)
	if next, target = r.decide(last); next == pollAgain || next == getResult {
		return res, nil // a final GET is the next step's one request
	}
	res.Done = true
	res.Response, err = r.act(next, target, last, body)
	return res, err
}

// Cancel asks the service to cancel the operation a token describes, when
// its strategy implements strategies.Canceler; otherwise it returns
// ErrCancelNotSupported. Ending a request's context only stops waiting: it
// never cancels the remote operation. Cancel does.
func (t *Transport) Cancel(ctx context.Context, token string) error {
	r, err := t.resumeRun(ctx, token)
	if err != nil {
		return err
	}
	c, ok := r.strat.(strategies.Canceler)
	if !ok {
		return ErrCancelNotSupported
	}
	method, target, err := c.CancelRequest(r.op)
	if err != nil {
		return err
	}
	resp, err := r.cfg.send(ctx, r.base, &r.o, method, target, "cancel URL", &r.requests)
	if err != nil {
		return r.pollError(err)
	}
	body, err := readStatusBody(nil, resp.Body, resp.ContentLength, r.cfg.maxStatusBody)
	if err != nil {
		return r.pollError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return r.fetchError("cancel", resp, body, nil)
	}
	return nil
}
