package lro

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// tokenVersion is the version of the resume token format.
const tokenVersion = 1

// maxTokenLen bounds the tokens decodeToken accepts. An operation holds up
// to four URLs of at most strategies.MaxURLLength bytes; JSON may escape a
// byte into six and base64 adds a third, so 1 MiB holds the largest.
const maxTokenLen = 1 << 20

// tokenData is the JSON inside a token. Sum is a checksum of Op's JSON, so
// a token damaged in storage or edited by hand is refused; it is not a
// signature.
type tokenData struct {
	V   int             `json:"v"`
	Op  json.RawMessage `json:"op"`
	Sum string          `json:"sum"`
}

func encodeToken(op *strategies.Operation) (string, error) {
	opJSON, err := json.Marshal(op)
	if err != nil {
		return "", fmt.Errorf("lro: encoding resume token: %w", err)
	}
	sum := sha256.Sum256(opJSON)
	b, err := json.Marshal(tokenData{V: tokenVersion, Op: opJSON, Sum: hex.EncodeToString(sum[:8])})
	if err != nil {
		return "", fmt.Errorf("lro: encoding resume token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func decodeToken(tok string) (*strategies.Operation, error) {
	if len(tok) > maxTokenLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, maxTokenLen)
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url: %w", ErrInvalidToken, err)
	}
	var td tokenData
	if err := json.Unmarshal(b, &td); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %w", ErrInvalidToken, err)
	}
	if td.V != tokenVersion {
		return nil, fmt.Errorf("%w: unsupported version %d (this lro reads version %d)", ErrInvalidToken, td.V, tokenVersion)
	}
	sum := sha256.Sum256(td.Op)
	if td.Sum != hex.EncodeToString(sum[:8]) {
		return nil, fmt.Errorf("%w: checksum mismatch (damaged or edited)", ErrInvalidToken)
	}
	var op strategies.Operation
	if err := json.Unmarshal(td.Op, &op); err != nil {
		return nil, fmt.Errorf("%w: bad operation: %w", ErrInvalidToken, err)
	}
	if err := validateOperation(&op); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return &op, nil
}

func validateOperation(op *strategies.Operation) error {
	switch {
	case op.Strategy == "":
		return errors.New("no strategy")
	case op.Method == "":
		return errors.New("no method")
	}
	switch op.Status {
	case strategies.InProgress, strategies.Succeeded, strategies.Failed, strategies.Canceled:
	default:
		return fmt.Errorf("unknown status %q", op.Status)
	}
	for _, u := range [...]struct{ name, v string }{{"url", op.URL}, {"pollURL", op.PollURL}} {
		if u.v == "" && u.name == "pollURL" {
			continue
		}
		if _, err := strategies.Resolve(nil, "token "+u.name, u.v); err != nil {
			return err
		}
	}
	return nil
}

// ResumeToken returns a token for the operation that resp starts. resp is an
// initial response returned under WithoutPolling; its request must be set
// (as http.Client sets it). ResumeToken reads at most 64 KiB of the body and
// puts them back, so resp stays readable. The token is opaque, versioned
// text (base64url of JSON) holding the method, URLs, strategy,
// final-state-via and status: no header, cookie or credential. Options from
// WithOptions on the request's context (strategies, final-state-via) apply:
// ResumeToken knows no Transport, so a custom strategy must come through
// them.
func ResumeToken(resp *http.Response) (string, error) {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return "", fmt.Errorf("%w: response has no request", ErrNotOperation)
	}
	req := resp.Request
	def := defaultConfig()
	cfg := configFor(&def, req.Context())
	kind := detect.Classify(req.Method, resp.StatusCode, resp.Header)
	if kind != detect.Headers {
		kind = cfg.claim(kind, req, resp)
	}
	if kind == detect.None {
		return "", ErrNotOperation
	}
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	_, op, _, err := begin(cfg, req, resp, kind)
	if err != nil {
		return "", err
	}
	if op == nil {
		return "", ErrNotOperation
	}
	return encodeToken(op)
}

// resumeRun decodes token into a run under ctx.
func (t *Transport) resumeRun(ctx context.Context, token string) (*run, error) {
	op, err := decodeToken(token)
	if err != nil {
		return nil, err
	}
	cfg := configFor(&t.cfg, ctx)
	s := lookupStrategy(cfg.chain, op.Strategy)
	if s == nil {
		return nil, fmt.Errorf("%w: strategy %q is not in the transport's chain", ErrInvalidToken, op.Strategy)
	}
	u, _ := url.Parse(op.URL) // validated by decodeToken
	return newRun(t.base, cfg, ctx, nil, origin{url: u}, s, op), nil
}

// Resume completes the operation a token describes, by the same rules as
// RoundTrip, and returns its final response. It works from any process and
// any Transport whose chain has the token's strategy. Polls carry no header
// of the original request: credentials come from the base transport (an
// auth layer below lro). The first poll is sent at once.
func (t *Transport) Resume(ctx context.Context, token string) (resp *http.Response, err error) {
	r, err := t.resumeRun(ctx, token)
	if err != nil {
		return nil, err
	}
	r.started(nil)
	defer func() { r.done(err, false) }()
	if r.op.Status == strategies.Succeeded {
		if u := r.strat.FinalURL(r.op); u != "" {
			return r.final(u)
		}
	}
	r.op.Status = strategies.InProgress // ask the service again for the response that ended it
	return r.pollToEnd(nil, nil, 0, WaitSchedule)
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
// A failed operation returns Done and an *OperationError.
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
	if r.op.Status == strategies.Succeeded {
		if u := r.strat.FinalURL(r.op); u != "" {
			resp, err := r.final(u)
			if err != nil {
				return PollResult{Status: r.op.Status, Token: token}, err
			}
			return PollResult{Status: r.op.Status, ServiceStatus: r.op.ServiceStatus, Done: true, Response: resp, Token: token}, nil
		}
	}
	last, body, err := r.poll()
	if err != nil {
		return PollResult{Status: r.op.Status, Token: token}, err
	}
	res = PollResult{Status: r.op.Status, ServiceStatus: r.op.ServiceStatus, Token: r.token()}
	res.Next, _ = r.nextDelay(last.Header)
	if !r.op.Status.Terminal() || (r.op.Status == strategies.Succeeded && r.strat.FinalURL(r.op) != "") {
		return res, nil
	}
	res.Done = true
	res.Response, err = r.result(last, body)
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
	body, err := readStatusBody(resp.Body, resp.ContentLength, r.cfg.maxStatusBody)
	if err != nil {
		return r.pollError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return r.fetchError("cancel", resp, body, nil)
	}
	return nil
}
