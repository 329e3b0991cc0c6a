package lro

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

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
	// Status is the terminal status as the service reported it (Failed,
	// Canceled, Cancelled, …).
	Status string
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
	msg := "lro: operation " + e.Status
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// ResponseError is what RoundTrip returns when a poll or the final GET
// answers an error status that is not transient (or stays transient past
// the retries).
type ResponseError struct {
	// Phase is "poll" or "result".
	Phase string
	// StatusCode is the response's status code.
	StatusCode int
	// Response is that response, with its body (capped as status bodies
	// are) readable from the start, so the service's error reaches the
	// caller.
	Response *http.Response
	// Token resumes the operation.
	Token string
	// Err is ErrRetriesExhausted when retries ran out, else nil.
	Err error
}

func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("lro: %s GET %s answered %s", e.Phase, e.Response.Request.URL.Redacted(), e.Response.Status)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
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
}

func (e *PollError) Error() string {
	if e.URL == "" {
		return e.Err.Error()
	}
	// One "lro:" prefix: the cause's own, if any, goes.
	return "lro: polling " + e.URL + ": " + strings.TrimPrefix(e.Err.Error(), "lro: ")
}

// Unwrap returns Err.
func (e *PollError) Unwrap() error { return e.Err }

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
