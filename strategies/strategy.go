// Package strategies defines how lro reads the state of a long-running
// operation: the Strategy interface, the Operation state every strategy keeps,
// and helpers to read the JSON bodies Azure services send.
//
// Strategies do no I/O. The transport sends every request and hands each
// strategy the status line, headers and (capped) body bytes of a response;
// the strategy answers with the operation's new state and where to look next.
// One package holds one protocol: monitor (Azure-AsyncOperation and
// Operation-Location), location (Location) and body (provisioningState).
package strategies

import (
	"encoding/json"
	"net/http"
	"net/url"
)

// Strategy is one polling protocol.
//
// The transport asks the strategies of its chain, in order, to Start an
// operation from the initial response; the first that returns a non-nil
// Operation owns it. From then on the transport GETs Operation.PollURL, hands
// each answer to Update, and once Update reports Succeeded, GETs FinalURL (or
// returns the response that ended the operation when FinalURL is empty).
//
// Implementations must be safe for concurrent use: one Strategy value serves
// every operation of a Transport. All per-operation state lives in Operation.
type Strategy interface {
	// Name identifies the strategy in resume tokens and hooks. It must be
	// unique within a chain and stable across releases.
	Name() string

	// Start inspects the initial response. It returns (nil, nil) when the
	// strategy does not apply, and an error when it applies but cannot be
	// used (an invalid polling URL, say); the chain then tries the next
	// strategy and reports the error only if none applies.
	//
	// The returned Operation's Status may already be terminal when the
	// initial body says so; the transport then sends no poll.
	Start(init *Initial) (*Operation, error)

	// Update reads one poll response of an operation this strategy started,
	// and updates op: Status, ServiceStatus, PollURL, ResultURL, Data.
	// resp is a 2xx answer; the transport handles redirects, retries and
	// error statuses before calling Update. An error from Update ends the
	// operation.
	Update(op *Operation, resp *Response) error

	// FinalURL returns the URL to GET for the result once op has
	// Succeeded, or "" when the response that ended the operation is the
	// result.
	FinalURL(op *Operation) string
}

// Initial is the response that started an operation, with the request that
// produced it.
type Initial struct {
	// Method is the method of the initial request.
	Method string
	// URL is the URL of the initial request.
	URL *url.URL
	// Response is the initial response. Its Body holds at most the
	// transport's peek limit of bytes; it may be empty.
	Response *Response
	// FinalStateVia is the final-state-via the caller asked for, or ""
	// for the protocol's default.
	FinalStateVia string
}

// Response is what a strategy reads of an HTTP response: no I/O, just bytes.
type Response struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Header is the response header. Strategies must not modify it.
	Header http.Header
	// Body is the response body, read in full up to the transport's cap.
	// It is nil when the response had no body.
	Body []byte
	// URL is the URL of the request that produced the response; relative
	// URLs in headers and bodies resolve against it.
	URL *url.URL
}

// Operation is the state of one long-running operation: everything needed to
// continue it, and what a resume token carries. It never holds headers,
// cookies or credentials.
type Operation struct {
	// Strategy is the Name of the strategy that owns the operation.
	Strategy string `json:"strategy"`
	// Method is the method of the initial request.
	Method string `json:"method"`
	// URL is the URL of the initial request.
	URL string `json:"url"`
	// PollURL is where the next poll goes.
	PollURL string `json:"pollURL,omitempty"`
	// Location is the Location header of the initial response, resolved,
	// or "" when it had none.
	Location string `json:"location,omitempty"`
	// ResultURL is a result URL the service named while polling
	// (resourceLocation, say), or "".
	ResultURL string `json:"resultURL,omitempty"`
	// FinalStateVia is the final-state-via in force, or "" for the
	// protocol's default.
	FinalStateVia string `json:"finalStateVia,omitempty"`
	// Status is the last known state.
	Status Status `json:"status"`
	// ServiceStatus is the status string as the service last reported it,
	// or "" when it reported none.
	ServiceStatus string `json:"serviceStatus,omitempty"`
	// Data is state of the strategy's own, carried in resume tokens. The
	// built-in strategies leave it empty.
	Data json.RawMessage `json:"data,omitempty"`
}

// Status is the state of an operation as lro understands it. The zero value
// is not a valid Status; strategies set one of the constants.
type Status string

// The states of an operation.
const (
	InProgress Status = "InProgress"
	Succeeded  Status = "Succeeded"
	Failed     Status = "Failed"
	Canceled   Status = "Canceled"
)

// Terminal reports whether s ends the operation.
func (s Status) Terminal() bool {
	return s == Succeeded || s == Failed || s == Canceled
}

// Claimer is a Strategy that starts operations from responses lro's
// detection (package detect) lets pass through: a 202 Accepted without a
// polling header, a 200 to a POST, and so on. When Claims returns true, the
// transport peeks the body and asks the chain's strategies, in order, to
// Start an operation, as for any response that starts one; if none does,
// the response passes through untouched. Responses detect recognises never
// reach Claims. Transports without a Claimer in their chain, the default,
// behave as if this interface did not exist.
type Claimer interface {
	// Claims reports whether the response to method on u, with this
	// status code and header, may start an operation. It must be cheap:
	// it is asked about every response detect lets through.
	Claims(method string, u *url.URL, statusCode int, header http.Header) bool
}

// Canceler is a Strategy that can cancel the remote operation. Transport.Cancel
// sends the request it describes; a 2xx answer means the service accepted it.
type Canceler interface {
	// CancelRequest returns the method and URL of the request that cancels
	// op, or an error when op cannot be canceled.
	CancelRequest(op *Operation) (method, url string, err error)
}
