package lro

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
	start    time.Time
	deadline time.Time
	requests int // sent so far, the initial request included
	polls    int
	visible  bool // a poll answered something other than 404

	sr    strategies.Response // what Update reads, reused by every poll
	timer *time.Timer         // the wait between polls, reused

	// The last fetch's streak of answers with the same error status: how
	// many, and since when (for the ResponseError it may become).
	streak      int
	streakSince time.Time
}

func newRun(base http.RoundTripper, cfg *config, ctx context.Context, req *http.Request, o origin, s strategies.Strategy, op *strategies.Operation) *run {
	now := time.Now()
	return &run{base: base, cfg: cfg, ctx: ctx, req: req, o: o, strat: s, op: op, start: now, deadline: now.Add(cfg.maxWait)}
}

// complete drives the operation from the response that started it to the
// result. initial's body is intact; peeked is its content when it was read
// in full.
func (r *run) complete(initial *http.Response, peeked []byte) (resp *http.Response, err error) {
	r.started(initial)
	defer func() { r.done(err, false) }()

	op := r.op
	if op.Status == strategies.Succeeded &&
		(initial.StatusCode != http.StatusAccepted || r.strat.FinalURL(op) == "") {
		return initial, nil // the initial response is the result
	}
	drain(initial.Body)
	delay, reason := r.nextDelay(initial.Header)
	return r.pollToEnd(initial, peeked, delay, reason)
}

// pollToEnd waits and polls until the operation is terminal, then returns
// its result. last and body are the response that said it was not (the
// initial one, or none under Resume); the first wait is delay.
func (r *run) pollToEnd(last *http.Response, body []byte, delay time.Duration, reason WaitReason) (*http.Response, error) {
	for !r.op.Status.Terminal() {
		if err := r.wait(delay, reason); err != nil {
			return nil, r.pollError(err)
		}
		var err error
		if last, body, err = r.poll(); err != nil {
			return nil, err
		}
		delay, reason = r.nextDelay(last.Header)
	}
	return r.result(last, body)
}

// result turns a terminal operation into what RoundTrip returns: an
// OperationError, the final GET, or the response that ended it.
func (r *run) result(last *http.Response, body []byte) (*http.Response, error) {
	if r.op.Status != strategies.Succeeded {
		return nil, r.operationError(last, body)
	}
	if u := r.strat.FinalURL(r.op); u != "" {
		return r.final(u)
	}
	last.Body = bytesBody(body)
	return last, nil
}

// poll GETs the polling URL once (retrying transient failures) and hands the
// answer to the strategy.
func (r *run) poll() (*http.Response, []byte, error) {
	resp, body, err := r.fetch(r.op.PollURL, "polling URL", true)
	if err != nil {
		return nil, nil, r.fetchError("poll", resp, body, err)
	}
	r.polls++
	notFound := false
	switch {
	case resp.StatusCode == http.StatusNotFound && !r.visible && r.cfg.notFoundGrace > 0 &&
		(r.polls == 1 || time.Since(r.start) < r.cfg.notFoundGrace):
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
	r.polled(resp, body, notFound)
	return resp, body, nil
}

// fetch sends method to target and retries transient failures. With read,
// it reads the body (capped) and closes it; without, a 2xx body stays open
// for the caller and only other bodies are read. On ErrRetriesExhausted with
// a response, resp and body are the last answer.
func (r *run) fetch(target, source string, read bool) (resp *http.Response, body []byte, err error) {
	first := time.Now()
	r.streak, r.streakSince = 0, first
	for attempt := 0; ; attempt++ {
		sent := time.Now()
		prev := 0
		if resp != nil {
			prev = resp.StatusCode
		}
		resp, body, err = r.attempt(target, source, read)
		switch {
		case resp == nil:
			r.streak = 0
		case resp.StatusCode == prev && r.streak > 0:
			r.streak++
		default:
			r.streak, r.streakSince = 1, sent
		}
		if err != nil && (errors.Is(err, ErrInvalidURL) || errors.Is(err, ErrBodyTooLarge) || errors.Is(err, ErrTooManyRedirects)) {
			return nil, nil, err
		}
		if err != nil && !time.Now().Before(r.deadline) {
			return nil, nil, r.maxWaitError()
		}
		retry, _ := r.cfg.checkRetry(r.ctx, resp, err)
		if !retry {
			return resp, body, err
		}
		if attempt >= r.cfg.maxRetries {
			if err != nil {
				return nil, nil, &retryError{url: target, attempts: attempt + 1, elapsed: time.Since(first), last: err}
			}
			return resp, body, ErrRetriesExhausted
		}
		wait := min(r.cfg.backoff(r.cfg.retryWaitMin, r.cfg.retryWaitMax, attempt, resp), r.cfg.maxDelay)
		if resp != nil {
			drain(resp.Body)
		}
		if err := r.wait(wait, WaitRetry); err != nil {
			return nil, nil, err
		}
	}
}

// attempt sends one request, bounded by the poll timeout. A response it
// returns has a readable body: the bytes read (a fresh reader over them), or
// the live body of a streamed 2xx.
//
// The poll timeout is not cut short by the operation's deadline (WithMaxWait
// is checked between requests), so a request in flight may end up to one poll
// timeout past it. A shorter deadline would fire while answers arrive far more
// often, and net/http's Transport has a race there: a request canceled just
// as a bodiless response (a 202 without Content-Length, say) puts its
// connection back in the idle pool can close that connection under the next
// request, which then fails with the first one's context error. Seen in
// TestSoak as another caller's initial request failing with a bare "context
// deadline exceeded".
func (r *run) attempt(target, source string, read bool) (*http.Response, []byte, error) {
	dl := time.Now().Add(r.cfg.pollTimeout)
	// The deadline bounds a poll until its body is read, but the final GET
	// only until its headers (or its error body) are: a 2xx body streams to
	// the caller for as long as it takes. So the final GET's context has no
	// deadline, only a timer that cancels it until the headers come.
	var ctx context.Context
	var cancel context.CancelFunc
	var timer *time.Timer
	if read {
		ctx, cancel = context.WithDeadline(r.ctx, dl)
	} else {
		ctx, cancel = context.WithCancel(r.ctx)
		timer = time.AfterFunc(time.Until(dl), cancel)
		defer timer.Stop()
	}
	resp, err := r.cfg.send(ctx, r.base, &r.o, http.MethodGet, target, source, &r.requests)
	if err != nil {
		err = r.timedOut(ctx, timer, target, err)
		cancel()
		return nil, nil, err
	}
	if !read && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if !timer.Stop() { // the timer fired as the headers came
			resp.Body.Close()
			cancel()
			return nil, nil, r.timedOut(ctx, timer, target, context.Canceled)
		}
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel, op: r.op, url: target}
		return resp, nil, nil
	}
	defer cancel()
	body, err := readStatusBody(resp.Body, resp.ContentLength, r.cfg.maxStatusBody)
	if err != nil {
		if te, ok := r.timedOut(ctx, timer, target, err).(*pollTimeoutError); ok {
			te.reading = true
			return nil, nil, te
		}
		if !errors.Is(err, ErrBodyTooLarge) {
			err = &readError{url: resp.Request.URL.Redacted(), err: err}
		}
		return nil, nil, err
	}
	resp.Body = bytesBody(body)
	return resp, body, nil
}

// final GETs the result. Its body streams to the caller untouched.
func (r *run) final(target string) (*http.Response, error) {
	resp, body, err := r.fetch(target, "result URL", false)
	if err != nil {
		return nil, r.fetchError("result", resp, body, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, r.fetchError("result", resp, body, nil)
	}
	return resp, nil
}

// timedOut turns err, from a request whose poll timeout fired (ctx's
// deadline, or the final GET's timer), into a *pollTimeoutError (the timer's
// cancel would read as the caller's). Other errors, and a context the caller
// ended, pass unchanged.
func (r *run) timedOut(ctx context.Context, timer *time.Timer, target string, err error) error {
	if r.ctx.Err() != nil {
		return err
	}
	if timer != nil && timer.Stop() || timer == nil && ctx.Err() == nil {
		return err
	}
	return &pollTimeoutError{url: target, timeout: r.cfg.pollTimeout}
}

func (e *pollTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// cancelBody is a final GET's body: it releases the GET's context when the
// caller closes it, and a failed read (the connection cut mid-body, say)
// returns a *PollError carrying the resume token, so the result can still
// be fetched with Resume.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
	op     *strategies.Operation
	url    string
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		tok, _ := encodeToken(b.op)
		err = &PollError{URL: b.url, Token: tok, Err: &readError{url: b.url, err: err}}
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// nextDelay is the wait before the next poll, given the last response's
// headers.
func (r *run) nextDelay(h http.Header) (time.Duration, WaitReason) {
	if d, ok := retryAfter(h, time.Now(), r.cfg.maxDelay); ok {
		return d, WaitRetryAfter
	}
	if r.cfg.pollInterval > 0 {
		return r.cfg.pollInterval, WaitInterval
	}
	return schedule(r.polls), WaitSchedule
}

// wait blocks for d, or until the context ends. A wait that would pass the
// operation's deadline fails at once with ErrMaxWait.
func (r *run) wait(d time.Duration, reason WaitReason) error {
	if time.Now().Add(d).After(r.deadline) {
		return r.maxWaitError()
	}
	for _, h := range r.cfg.hooks {
		if h.Waiting != nil {
			h.Waiting(WaitInfo{Context: r.ctx, Attempt: r.polls, Delay: d, Reason: reason})
		}
	}
	if err := r.ctx.Err(); err != nil || d <= 0 {
		return err
	}
	// One timer per operation: Reset and Stop leave no stale tick in its
	// channel (Go 1.23 timers).
	if r.timer == nil {
		r.timer = time.NewTimer(d)
	} else {
		r.timer.Reset(d)
	}
	select {
	case <-r.timer.C:
		return nil
	case <-r.ctx.Done():
		r.timer.Stop()
		return r.ctx.Err()
	}
}

func (r *run) token() string {
	tok, err := encodeToken(r.op)
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
// carrying the response, anything else a PollError.
func (r *run) fetchError(phase string, resp *http.Response, body []byte, err error) error {
	if resp == nil {
		return r.pollError(err)
	}
	resp.Body = bytesBody(body)
	e := &ResponseError{Phase: phase, StatusCode: resp.StatusCode, Response: resp, Token: r.token(), Err: err,
		Attempts: max(r.streak, 1)}
	if r.streak > 1 {
		e.Elapsed = time.Since(r.streakSince)
	}
	if f, perr := strategies.ParseFields(body); perr == nil {
		e.Code, e.Message = f.ErrorCode, f.ErrorMessage
	}
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

// withheld names the credential headers of the original request that lro
// kept off requests to u ("Authorization", "Authorization and Cookie"), or
// "" when there were none or u's host is trusted.
func (r *run) withheld(u *url.URL) string {
	if len(r.o.header) == 0 || r.cfg.trusted(&r.o, u) {
		return ""
	}
	var names []string
	for _, k := range credentialHeaders {
		for h := range r.o.header {
			if strings.EqualFold(h, k) {
				names = append(names, k)
				break
			}
		}
	}
	return strings.Join(names, " and ")
}

func (r *run) operationError(last *http.Response, body []byte) error {
	e := &OperationError{Status: r.op.Status, ServiceStatus: r.op.ServiceStatus, Response: last, Token: r.token()}
	if f, err := strategies.ParseFields(body); err == nil {
		e.Code, e.Message = f.ErrorCode, f.ErrorMessage
	}
	last.Body = bytesBody(body)
	return e
}
