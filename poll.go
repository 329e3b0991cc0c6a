package lro

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lrohttp/lro/strategies"
)

// run is one operation in progress: its state, and what its requests
// inherit. It lives on the stack of the goroutine that called RoundTrip.
type run struct {
	base     http.RoundTripper
	cfg      *config
	ctx      context.Context
	req      *http.Request // the caller's request; nil under Resume
	o        origin
	strat    strategies.Strategy
	op       *strategies.Operation
	start    time.Time // the operation's deadline is start + cfg.maxWait (deadline)
	requests int       // sent so far, the initial request included
	polls    int
	visible  bool // a poll answered something other than 404
	// notFoundSince is when the not-found grace began: the start of the
	// run that took the operation's first answered poll (this one, or the
	// one that made its token); zero before it.
	notFoundSince time.Time

	sr    strategies.Response // what Update reads, reused by every poll
	timer *time.Timer         // the wait between polls, reused

	// Reused by every request (attempt): the poll timeout (its context
	// and timer), the buffer status bodies are read into, and the reader
	// over it that a poll response's Body is. A poll's bytes stay valid
	// until the next poll: Update, hooks and errors see each poll's own;
	// the response that ends the operation keeps its bytes, as no poll
	// follows it.
	pt   pollTimer
	buf  []byte
	body bytesReadCloser

	// The last fetch's streak of answers with the same error status: how
	// many, and since when, after start (for the ResponseError it may
	// become).
	streak   int
	streakAt time.Duration
}

func newRun(base http.RoundTripper, cfg *config, ctx context.Context, req *http.Request, o origin, s strategies.Strategy, op *strategies.Operation) *run {
	now := time.Now()
	return &run{base: base, cfg: cfg, ctx: ctx, req: req, o: o, strat: s, op: op, start: now}
}

// deadline is when the operation has waited for WithMaxWait. It is not a
// field: a run is 24 bytes smaller without it, and 32 bytes smaller in heap
// (a smaller size class) for each waiting operation.
func (r *run) deadline() time.Time { return r.start.Add(r.cfg.maxWait) }

// complete drives the operation from the response that started it to the
// result. initial's body is intact; peeked is its content when it was read
// in full.
func (r *run) complete(initial *http.Response, peeked []byte) (resp *http.Response, err error) {
	r.started(initial)
	defer func() { r.done(err, false) }()

	r.sr = strategies.Response{StatusCode: initial.StatusCode, Header: initial.Header, Body: peeked, URL: r.o.url, Initial: true}
	next, target := r.decide(initial)
	if next == returnLast {
		return initial, nil // the initial response is the result, body intact
	}
	drain(initial.Body)
	delay, reason := r.nextDelay(initial.Header)
	if next == pollAgain {
		// Polls never look back at the initial response: let it, its
		// headers and its peeked body go before the first wait, so a
		// waiting operation holds only its own state.
		r.sr = strategies.Response{}
		return r.drive(nil, nil, next, target, delay, reason)
	}
	return r.drive(initial, peeked, next, target, delay, reason)
}

// drive waits and polls until the strategy's decision is no longer "poll",
// then acts on it. last and body are the response the decision was made on
// (the initial one, or none under Resume); the first wait is delay.
func (r *run) drive(last *http.Response, body []byte, next action, target string, delay time.Duration, reason WaitReason) (*http.Response, error) {
	for next == pollAgain {
		woke, err := r.wait(delay, reason)
		if err != nil {
			return nil, r.pollError(err)
		}
		if last, body, err = r.poll(woke); err != nil {
			return nil, err
		}
		delay, reason = r.nextDelay(last.Header)
		next, target = r.decide(last)
	}
	return r.act(next, target, last, body)
}

// action is what a run does next, as decide reads it from the strategy.
type action uint8

const (
	pollAgain  action = iota // the operation runs (or its ending response is not in hand)
	getResult                // GET the strategy's result URL
	returnLast               // the response that ended the operation is the result
	failed                   // the operation failed or was canceled
)

// decide reads the operation's state and, once it is over, the strategy's
// Result into the next action: the one place lro turns "terminal? final
// GET?" into a step, for RoundTrip, Resume and Poll alike. last is the
// response the state came from, or nil when none came in this call (Resume
// and Poll from a token): a failure, or a result that is the ending
// response, then needs one more poll.
func (r *run) decide(last *http.Response) (action, string) {
	switch {
	case !r.op.Status.Terminal():
		return pollAgain, ""
	case r.op.Status != strategies.Succeeded:
		if last == nil {
			return pollAgain, ""
		}
		return failed, ""
	}
	var sr *strategies.Response
	if last != nil {
		sr = &r.sr
	}
	res := r.strat.Result(r.op, sr)
	switch {
	case res.Get != "":
		return getResult, res.Get
	case last == nil:
		return pollAgain, ""
	}
	return returnLast, ""
}

// act carries out a decision other than pollAgain: it returns the final
// response or the operation's error. last and body are the response the
// decision was made on; its body has been read (or drained).
func (r *run) act(next action, target string, last *http.Response, body []byte) (*http.Response, error) {
	switch next {
	case getResult:
		return r.final(target)
	case failed:
		return nil, r.operationError(last, body)
	}
	if last.Body == io.ReadCloser(&r.body) {
		// A poll's answer, read into r.buf: no poll follows it, so its
		// reader is the caller's, rewound for hooks that read it.
		r.body.Reset(body)
		return last, nil
	}
	last.Body = bytesBody(body)
	return last, nil
}

// poll GETs the polling URL once (retrying transient failures) and hands the
// answer to the strategy. woke is when the wait before it ended, or zero
// (fetch).
func (r *run) poll(woke time.Time) (*http.Response, []byte, error) {
	if r.op.PollURL != r.o.lastTarget {
		// A new polling URL the strategy parsed (SetPollURL) is not
		// parsed again.
		if u := r.op.ParsedPollURL(); u != nil {
			r.o.lastTarget, r.o.lastURL, r.o.lastReq, r.o.lastChecked = r.op.PollURL, u, nil, false
		}
	}
	resp, body, err := r.fetch(r.op.PollURL, "polling URL", true, woke)
	if err != nil {
		return nil, nil, r.fetchError("poll", resp, body, err)
	}
	r.polls++
	first := r.notFoundSince.IsZero() // the operation's first answered poll
	if first {
		r.notFoundSince = r.start
	}
	notFound := false
	switch {
	case resp.StatusCode == http.StatusNotFound && !r.visible && r.cfg.notFoundGrace > 0 &&
		(first || time.Since(r.notFoundSince) < r.cfg.notFoundGrace):
		notFound = true
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, nil, r.fetchError("poll", resp, body, nil)
	default:
		r.visible = true
		r.sr = strategies.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, URL: resp.Request.URL}
		if err := r.strat.Update(r.op, &r.sr); err != nil {
			return nil, nil, r.pollError(err)
		}
	}
	r.polled(resp, notFound)
	return resp, body, nil
}

func (r *run) token() string {
	tok, err := encodeToken(r.op, tokenState{visible: r.visible, notFoundSince: r.notFoundSince})
	if err != nil {
		return ""
	}
	return tok
}

func (r *run) maxWaitError() error {
	return fmt.Errorf("%w (%v)", ErrMaxWait, r.cfg.maxWait)
}

func (r *run) pollError(err error) error {
	e := &PollError{URL: r.op.PollURL, Token: r.token(), Err: err}
	if clientTimedOut(r.req, r.ctx, err) {
		e.hint = clientTimeoutHint
	}
	return e
}

// fetchError types a failed fetch: an error status becomes a ResponseError
// carrying the response and the service's error as the operation's strategy
// reads it (strategies.ReadError), anything else a PollError. Every
// ResponseError is made here: polls, the final GET and Cancel alike.
func (r *run) fetchError(phase string, resp *http.Response, body []byte, err error) error {
	if resp == nil {
		return r.pollError(err)
	}
	resp.Body = bytesBody(body)
	e := &ResponseError{Phase: phase, StatusCode: resp.StatusCode, Response: resp, Token: r.token(), Err: err,
		Attempts: max(r.streak, 1)}
	if r.streak > 1 {
		e.Elapsed = time.Since(r.start) - r.streakAt
	}
	se := strategies.ReadError(r.strat, r.op, &strategies.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, URL: resp.Request.URL})
	e.Code, e.NumericCode, e.Message = se.Code, se.NumericCode, se.Message
	switch {
	case phase == "poll" && resp.StatusCode == http.StatusNotFound && !r.visible && r.cfg.notFoundGrace > 0:
		e.why = fmt.Sprintf("still not found when the not-found grace (%v) ran out", r.cfg.notFoundGrace)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		if names := r.withheld(resp.Request.URL); names != "" {
			e.why = fmt.Sprintf("lro withheld the original request's %s from %s, which is not the original host; "+
				"if that host should get them, name it in WithTrustedHosts", names, resp.Request.URL.Hostname())
		}
	}
	return e
}

// withheld names the headers of the original request that lro kept off
// requests to u because u's host is not trusted ("Authorization",
// "Authorization, Cookie"), or "" when there were none.
func (r *run) withheld(u *url.URL) string {
	if len(r.o.header) == 0 || r.cfg.trusted(&r.o, u) {
		return ""
	}
	var names []string
	for k := range r.o.header {
		if !skipHeader(k) && !r.cfg.foreignHeader(k) {
			names = append(names, http.CanonicalHeaderKey(k))
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// operationError reports a failed or canceled operation, with the error
// its strategy read from last, the response that said so.
func (r *run) operationError(last *http.Response, body []byte) error {
	e := &OperationError{Status: r.op.Status, ServiceStatus: r.op.ServiceStatus, Code: r.op.ErrorCode,
		NumericCode: r.op.ErrorNumber, Message: r.op.ErrorMessage, Response: last, Token: r.token()}
	last.Body = bytesBody(body)
	return e
}

// final GETs the result. Its body streams to the caller untouched.
func (r *run) final(target string) (*http.Response, error) {
	resp, body, err := r.fetch(target, "result URL", false, time.Time{})
	if err != nil {
		return nil, r.fetchError("result", resp, body, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, r.fetchError("result", resp, body, nil)
	}
	return resp, nil
}
