// Package strategies defines how lro reads the state of a long-running
// operation: the Strategy interface, the Operation state every strategy keeps,
// and helpers to read the JSON bodies Azure services send.
//
// Strategies do no I/O. The transport sends every request and hands each
// strategy the status line, headers and (capped) body bytes of a response;
// the strategy answers with the operation's new state and where to look next.
// One package holds one protocol and decides where it applies: monitor
// (Azure-AsyncOperation and Operation-Location), location (Location), body
// (provisioningState), google (AIP-151 operations and Compute Engine) and
// graph (Microsoft Graph); asyncreply (async request-reply), repeatget
// (GET answered 202) and rules (protocols written as data) apply only where
// a user names them.
// OnHosts scopes a strategy to a vendor's hosts.
package strategies

import (
	"encoding/json"
	"net/http"
	"net/url"
)

// Strategy is one polling protocol. It answers four questions about an
// operation, all without I/O:
//
//  1. Applies: might this response start one of mine? Decided from the
//     request's method and URL and the response's status and headers.
//  2. Start: is it mine? Decided from the peeked body too.
//  3. Update: what does this poll say? Status, progress, the service's
//     error code and message, and where to poll next.
//  4. Result: what is the final response?
//
// The transport asks the strategies of its chain, in order: the first whose
// Applies is true and whose Start returns a non-nil Operation owns the
// operation. From then on the transport GETs Operation.PollURL and hands each
// answer to Update until the status is terminal, then acts on Result.
//
// Implementations must be safe for concurrent use: one Strategy value serves
// every operation of a Transport. All per-operation state lives in Operation.
type Strategy interface {
	// Name identifies the strategy in resume tokens and hooks. It must be
	// unique within a chain and stable across releases.
	Name() string

	// Applies reports whether the response to method on u, with this
	// status code and header, may start an operation of this strategy.
	// It is asked about every response the transport sees, so it must be
	// cheap and must not allocate; a vendor's host scope belongs here.
	// Only when it returns true does the transport read (peek) the body
	// and call Start.
	Applies(method string, u *url.URL, statusCode int, header http.Header) bool

	// Start inspects the initial response. It returns (nil, nil) when the
	// strategy does not apply after all, and an error when it applies but
	// cannot be used (an invalid polling URL, say); the chain then tries
	// the next strategy and reports the error only if none applies.
	//
	// The returned Operation's Status may already be terminal when the
	// initial body says so; the transport then sends no poll. Start fills
	// in the error and progress fields as Update does.
	Start(init *Initial) (*Operation, error)

	// Update reads one poll response of an operation this strategy started,
	// and updates op: Status, ServiceStatus, Progress, the Error fields,
	// PollURL, ResultURL, Data. resp is a 2xx answer; the transport handles
	// redirects, retries and error statuses before calling Update (an
	// error status's body is read by ReadError: see ErrorReader). An error
	// from Update ends the operation.
	Update(op *Operation, resp *Response) error

	// Result says what the final response of op is, once op has
	// Succeeded. last is the response that ended the operation (the
	// initial one, with Initial set, when Start found it over already), or
	// nil when the transport resumes a succeeded operation from a token and
	// has no response in hand; when Result then names that response, the
	// transport polls once more to get it.
	Result(op *Operation, last *Response) Result
}

// Result is a strategy's decision about an operation's final response. The
// zero value means the response that ended the operation (its last poll, or
// the initial response) is the result.
type Result struct {
	// Get is a URL to GET for the result, or "" for the response that
	// ended the operation. A redirect to follow is given here too: every
	// GET lro sends follows redirects (with lro's URL and credential
	// checks at each hop).
	Get string
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
	// It is nil when the response had no body. The transport reuses a
	// poll's buffer for the next poll: a strategy that keeps bytes of it
	// beyond the call (in Operation.Data, say) must copy them.
	Body []byte
	// URL is the URL of the request that produced the response; relative
	// URLs in headers and bodies resolve against it.
	URL *url.URL
	// Initial is true for the response that started the operation.
	Initial bool
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

	// What the last response said, in the strategy's own terms, for hooks
	// and errors. Resume tokens do not carry them: the next poll says them
	// again.

	// Progress is the percentage done (0 to 100) the service last gave,
	// when HasProgress.
	Progress    float64 `json:"-"`
	HasProgress bool    `json:"-"`
	// ErrorCode and ErrorMessage are the service's error once the
	// operation has Failed or was Canceled, when it names one: a code
	// word (Azure's "error.code", Google's canonical code name) and its
	// message. ErrorNumber is the service's numeric code when it has one
	// (Google's google.rpc.Code, Compute's HTTP status), else 0.
	ErrorCode    string `json:"-"`
	ErrorNumber  int    `json:"-"`
	ErrorMessage string `json:"-"`

	// pollURL is PollURL parsed, as SetPollURL was given it. It counts
	// only while PollURL is its print (ParsedPollURL).
	pollURL ResolvedURL
}

// SetPollURL sets PollURL to u's print and keeps u parsed, so that the
// transport need not parse PollURL again (ParsedPollURL).
func (op *Operation) SetPollURL(u ResolvedURL) {
	op.PollURL, op.pollURL = u.s, u
}

// ParsedPollURL returns url.Parse(PollURL), without parsing it again, when
// SetPollURL set PollURL (and it was not changed since) to the print of a
// URL parsed from PollURL's very text: an absolute URL the service sent as
// it prints. It returns nil otherwise: PollURL is then to be parsed. The URL
// may be shared: callers must not modify it.
func (op *Operation) ParsedPollURL() *url.URL {
	if op.pollURL.exact && op.PollURL == op.pollURL.s {
		return op.pollURL.u
	}
	return nil
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

// Canceler is a Strategy that can cancel the remote operation. Transport.Cancel
// sends the request it describes; a 2xx answer means the service accepted it.
type Canceler interface {
	// CancelRequest returns the method and URL of the request that cancels
	// op, or an error when op cannot be canceled.
	CancelRequest(op *Operation) (method, url string, err error)
}
