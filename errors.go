package lro

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lrohttp/lro/strategies"
)

// Sentinel errors. The typed errors below wrap them where they apply, so
// errors.Is finds them, through *url.Error too.
var (
	// ErrInvalidURL: a polling, result or redirect URL lro will not use
	// (it does not parse, is not http or https, downgrades https to http,
	// or the URL policy forbids it). Errors wrapping it are
	// *strategies.URLError or *ForbiddenURLError.
	ErrInvalidURL = strategies.ErrInvalidURL
	// ErrForbiddenURL: a URL the server named points at an address the
	// URL policy refuses (see WithAllowedHosts). Errors wrapping it are
	// *ForbiddenURLError, and wrap ErrInvalidURL too.
	ErrForbiddenURL = errors.New("lro: forbidden URL")
	// ErrMaxWait: the operation outlived WithMaxWait.
	ErrMaxWait = errors.New("lro: operation exceeded its maximum wait")
	// ErrRetriesExhausted: a transient poll failure lasted past
	// WithMaxRetries retries.
	ErrRetriesExhausted = errors.New("lro: transient poll failures exhausted the retries")
	// ErrBodyTooLarge: a status body exceeded WithMaxStatusBody.
	ErrBodyTooLarge = errors.New("lro: status body too large")
	// ErrTooManyRedirects: a poll followed more than 10 redirects.
	ErrTooManyRedirects = errors.New("lro: stopped after 10 redirects")
	// ErrInvalidToken: a resume token that is not one lro made.
	ErrInvalidToken = errors.New("lro: invalid resume token")
	// ErrNotOperation: ResumeToken was given a response that does not
	// start an operation.
	ErrNotOperation = errors.New("lro: response does not start a long-running operation")
	// ErrCancelNotSupported: the operation's strategy cannot cancel it.
	ErrCancelNotSupported = errors.New("lro: strategy cannot cancel the operation")
)

// OperationError is what RoundTrip returns when an operation ends Failed or
// Canceled.
type OperationError struct {
	// Status is the terminal state: strategies.Failed or
	// strategies.Canceled, as the hooks report it.
	Status strategies.Status
	// ServiceStatus is the terminal status as the service spelled it
	// (Failed, Canceled, Cancelled, …).
	ServiceStatus string
	// Code and Message are the service's error code and message, as the
	// operation's strategy read them (Azure's "error" object, Google's
	// canonical code name), when it names one. NumericCode is the service's
	// numeric code when it has one (Google's google.rpc.Code), else 0.
	Code        string
	NumericCode int
	Message     string
	// Response is the status-monitor (or poll) response that reported the
	// failure, with its body readable from the start.
	Response *http.Response
	// Token is the operation's resume token (Poll and Resume report the
	// same failure from it).
	Token string
}

func (e *OperationError) Error() string {
	st := e.ServiceStatus
	if st == "" {
		st = string(e.Status)
	}
	return "lro: operation " + st + serviceError(e.Code, e.Message)
}

// ResponseError is what RoundTrip returns when a poll, the final GET or a
// cancel request answers an error status that is not transient (or stays
// transient past the retries).
type ResponseError struct {
	// Phase is "poll", "result" or "cancel".
	Phase string
	// StatusCode is the response's status code.
	StatusCode int
	// Code, NumericCode and Message are the service's error code word,
	// numeric code and message, as the operation's strategy read them
	// from the body (strategies.ErrorReader): for Google's strategies an
	// AIP-193 error's "status" (NOT_FOUND), "code" (404) and "message";
	// for the others the body's "error" object
	// ({"error":{"code":…,"message":…}}, a string code being Code and an
	// integer one NumericCode). Each is zero when the body names none.
	Code        string
	NumericCode int
	Message     string
	// Attempts is how many times in a row the request got an error answer
	// before lro gave up: 1 unless the answer was retried. Elapsed is the
	// time from the first of those attempts to the last answer.
	Attempts int
	Elapsed  time.Duration
	// Response is that response, with its body (capped as status bodies
	// are) readable from the start, so the service's error reaches the
	// caller.
	Response *http.Response
	// Token resumes the operation.
	Token string
	// Err is ErrRetriesExhausted when retries ran out, else nil.
	Err error

	// why explains the answer when lro knows more: a not-found grace that
	// ran out, credentials lro withheld from the host.
	why string
}

func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString("lro: ")
	if e.Phase != "" && e.Phase != "poll" {
		b.WriteString(e.Phase + " ")
	}
	status := strconv.Itoa(e.StatusCode)
	if e.Response != nil {
		if req := e.Response.Request; req != nil && req.URL != nil {
			b.WriteString(req.Method + " " + req.URL.Redacted() + " ")
		}
		if e.Response.Status != "" {
			status = e.Response.Status
		}
	}
	b.WriteString("answered " + status)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " %d times over %v", e.Attempts, e.Elapsed.Round(time.Millisecond))
	}
	if errors.Is(e.Err, ErrRetriesExhausted) {
		b.WriteString(" (retries exhausted)")
	}
	if e.why != "" {
		b.WriteString(": " + e.why)
	}
	code := e.Code
	if code == "" && e.NumericCode != 0 && e.NumericCode != e.StatusCode {
		code = strconv.Itoa(e.NumericCode) // a number the status line does not say already
	}
	b.WriteString(serviceError(code, e.Message))
	return b.String()
}

// Unwrap returns Err.
func (e *ResponseError) Unwrap() error { return e.Err }

// PollError is what RoundTrip returns when an operation it started cannot go
// on: a transport failure, an unreadable status body, a refused URL, a limit
// reached, or the context ending. Err says which.
type PollError struct {
	// URL is the URL being polled, or "" when no poll was under way.
	URL string
	// Token resumes the operation.
	Token string
	// Err is the cause.
	Err error

	// hint is advice lro can give about the cause: see clientTimeoutHint.
	hint string
}

func (e *PollError) Error() string {
	msg := unprefixed(e.Err)
	// The cause names the URL when it is about that request (a
	// *url.Error, a strategy's message): say it once.
	if e.URL != "" && !strings.Contains(msg, e.URL) {
		msg = "polling " + e.URL + ": " + msg
	}
	if e.hint != "" {
		msg += "; " + e.hint
	}
	return "lro: " + msg
}

// Unwrap returns Err.
func (e *PollError) Unwrap() error { return e.Err }

// retryError is a transient failure that lasted past the retries: it wraps
// ErrRetriesExhausted and the last failure.
type retryError struct {
	url      string
	attempts int
	elapsed  time.Duration
	last     error
}

func (e *retryError) Error() string {
	// The last failure's message names the URL too: say it once.
	cause := unprefixed(e.last)
	cause = strings.TrimPrefix(cause, "GET "+e.url+": ")
	cause = strings.TrimPrefix(cause, "Get \""+e.url+"\": ")
	return fmt.Sprintf("GET %s failed %d times over %v (retries exhausted), the last time: %s",
		e.url, e.attempts, e.elapsed.Round(time.Millisecond), cause)
}

func (e *retryError) Unwrap() []error { return []error{ErrRetriesExhausted, e.last} }

// pollTimeoutError is a request that got no answer, or no whole body,
// within WithPollTimeout. It wraps context.DeadlineExceeded.
type pollTimeoutError struct {
	url     string
	timeout time.Duration
	reading bool // the headers came, the body did not end
}

func (e *pollTimeoutError) Error() string {
	if e.reading {
		return fmt.Sprintf("GET %s: body not read in full within the poll timeout (%v)", e.url, e.timeout)
	}
	return fmt.Sprintf("GET %s: no answer within the poll timeout (%v)", e.url, e.timeout)
}

// Unwrap returns context.DeadlineExceeded.
func (e *pollTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// readError is a failure reading the body of a GET.
type readError struct {
	url string
	err error
}

func (e *readError) Error() string {
	return "GET " + e.url + ": reading the body: " + unprefixed(e.err)
}

func (e *readError) Unwrap() error { return e.err }

// unprefixed is err's message without the "lro: " prefixes of lro's own
// errors nested in it: the error that holds them says it once.
func unprefixed(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.ReplaceAll(err.Error(), "lro: ", "")
}

// serviceError formats a service's error code and message, "" when both are
// empty.
func serviceError(code, message string) string {
	switch {
	case code != "" && message != "":
		return ": " + code + ": " + message
	case code != "":
		return ": " + code
	case message != "":
		return ": " + message
	}
	return ""
}

// clientTimeoutHint is added to an error when the request's context ended
// with a deadline while http.Client.Timeout was in force (the Client then
// sets the deprecated Request.Cancel channel for transports it does not
// know): net/http then replaces the error with its own, resume token and
// all, whenever its timer notices the timeout before lro returns (usually).
const clientTimeoutHint = "http.Client.Timeout ended the operation, and net/http usually replaces this error, resume token and all, with its own: " +
	"bound the operation with a context deadline or WithMaxWait instead, or keep the token from Hooks.Started"

// clientTimedOut reports whether err, ending an operation started by req,
// comes from an http.Client.Timeout.
func clientTimedOut(req *http.Request, ctx context.Context, err error) bool {
	return req != nil && req.Cancel != nil && errors.Is(err, context.DeadlineExceeded) &&
		errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// TokenFromError returns the resume token carried by an error RoundTrip,
// Resume or Poll returned, looking through wrapping (*url.Error included).
func TokenFromError(err error) (string, bool) {
	var oe *OperationError
	if errors.As(err, &oe) && oe.Token != "" {
		return oe.Token, true
	}
	var re *ResponseError
	if errors.As(err, &re) && re.Token != "" {
		return re.Token, true
	}
	var pe *PollError
	if errors.As(err, &pe) && pe.Token != "" {
		return pe.Token, true
	}
	return "", false
}
