package lrotest

import (
	"net/http"
	"strings"
	"time"
)

// Protocol names the way an operation tells the client where to poll.
type Protocol string

// The protocols a [Scenario] can speak.
const (
	// OperationLocation answers the initial request with an
	// Operation-Location header naming a status monitor whose JSON body
	// carries "status": "Running" until the terminal status.
	OperationLocation Protocol = "operation-location"

	// AzureAsyncOperation is like OperationLocation with the ARM header
	// Azure-AsyncOperation and the in-progress status "InProgress".
	AzureAsyncOperation Protocol = "azure-async-operation"

	// Location answers 202 Accepted with a Location header naming a
	// status URL that answers 202 while in progress and the final result
	// (200, or 204 for DELETE) when done.
	Location Protocol = "location"

	// ProvisioningState sends no header: the resource document's
	// properties.provisioningState tells the state, and the client polls
	// the resource URL itself. POST has no such protocol: it answers 200
	// with the result at once.
	ProvisioningState Protocol = "provisioning-state"

	// Synchronous is no LRO at all: the initial request gets the final
	// answer (200 with the result, 204 for DELETE). It is for testing
	// that clients pass ordinary responses through.
	Synchronous Protocol = "synchronous"
)

// Scenario describes one simulated operation. The zero value is an
// Operation-Location operation that succeeds on its first poll.
type Scenario struct {
	// Protocol is how the operation reports progress; "" means
	// OperationLocation.
	Protocol Protocol

	// Polls is how many in-progress answers the status monitor gives
	// before the terminal one. 0 means the first poll is terminal;
	// a negative value means the operation never finishes.
	Polls int

	// Terminal is the terminal status, sent verbatim ("Succeeded",
	// "Failed", "Canceled", "Cancelled", or any spelling a test needs);
	// "" means "Succeeded". The operation counts as successful when
	// Terminal equals "Succeeded" ignoring case; otherwise monitor bodies
	// and error answers carry {"error":{"code":"OperationFailed","message":
	// "operation {id} ended {Terminal}"}}, with the code
	// "OperationCanceled" when Terminal starts with "cancel" (any case).
	Terminal string

	// RunningStatus is the in-progress status; "" means "Running" for
	// OperationLocation, "InProgress" for AzureAsyncOperation, and the
	// provisioningState "Creating" (PUT), "Updating" (PATCH) or
	// "Deleting" (DELETE) for ProvisioningState. Resource documents read
	// while another protocol is in progress use the ProvisioningState
	// defaults.
	RunningStatus string

	// InitialStatus is the status code of the initial answer; 0 means
	// the protocol's default: 201 for PUT and 202 otherwise with
	// OperationLocation and AzureAsyncOperation; 202 with Location;
	// 201 (PUT), 200 (PATCH, POST) or 202 (DELETE) with
	// ProvisioningState; 200, or 204 for DELETE, with Synchronous.
	InitialStatus int

	// FailStatus is the status code of a failed or canceled operation's
	// final answer on the Location protocol, Synchronous, and the result
	// URL; 0 means 500. A 2xx value answers with a resource document
	// whose provisioningState is Terminal instead of an error body.
	FailStatus int

	// RetryAfter, if positive, is sent as a Retry-After header (in whole
	// seconds, rounded up) on the initial and in-progress answers, and
	// on the result URL's 202 while the operation runs. With RetryAfterMS
	// they also carry retry-after-ms in milliseconds.
	RetryAfter   time.Duration
	RetryAfterMS bool

	// RelativeURLs makes every URL the operation hands out a path
	// ("/operations/op1") instead of an absolute URL. It overrides
	// MonitorServer and MonitorHost.
	RelativeURLs bool

	// WithLocation makes OperationLocation and AzureAsyncOperation also
	// send a Location header naming the result URL. A GET of the result
	// URL answers 202 while the operation runs and the final result once
	// it is done: 200 with Result, 204 for DELETE, or the FailStatus
	// error.
	WithLocation bool

	// ResourceLocation makes the terminal monitor body of a successful
	// OperationLocation or AzureAsyncOperation operation carry
	// "resourceLocation": the resource URL (PUT, PATCH) or the result
	// URL (POST); DELETE gets none.
	ResourceLocation bool

	// PercentComplete makes monitor bodies carry "percentComplete",
	// rising with each in-progress answer and 100 on the terminal one.
	PercentComplete bool

	// LocationHops makes every 202 of the Location protocol name a new
	// status URL (/operations/{id}/1, /operations/{id}/2, ...).
	LocationHops bool

	// LocationLoop makes the Location protocol run forever, its status
	// URLs naming each other: /operations/{id}/a answers 202 with
	// Location .../b, and .../b answers with Location .../a.
	LocationLoop bool

	// SeeOther makes the terminal answer of a successful Location
	// operation a 303 See Other to the resource URL (PUT, PATCH) or the
	// result URL (POST). DELETE ignores it.
	SeeOther bool

	// Result is the JSON body of the final result; "" means a resource
	// document {"id":"/resources/{id}","name":"{id}","properties":
	// {"provisioningState":"Succeeded"}} for PUT and PATCH, and
	// {"name":"{id}","result":"done"} for POST.
	//
	// A client following Azure's rules returns the terminal monitor body as
	// the result of a POST whose status monitor (OperationLocation,
	// AzureAsyncOperation) names no result URL. So when neither
	// WithLocation nor ResourceLocation is set, that body carries Result
	// (if it is valid JSON) in its "result" field, as Azure's long-running
	// RPC operations do: {"id":"op1","status":"Succeeded","result":Result}.
	Result string

	// MonitorServer, if set, hosts the URLs the operation hands out
	// (monitor, status and result URLs) instead of the server that
	// started it, to test requests that cross hosts; the resource URL
	// stays on the starting server. nil means the starting server. On the
	// monitor server the operation has an id of that server's sequence.
	MonitorServer *Server

	// MonitorHost, if set, replaces the host name (not the port) of the
	// URLs the operation hands out, for example "localhost" to make a
	// server on 127.0.0.1 look like a second host.
	MonitorHost string

	// MonitorQuery, if set, is a raw query appended to the monitor and
	// status URLs the operation hands out.
	MonitorQuery string

	// APIVersion, if set, is the api-version query parameter every
	// request of the operation must carry exactly once; others get 400
	// with error code "MissingApiVersionParameter" (absent) or
	// "InvalidApiVersionParameter" (another value, or repeated).
	// "" means no check.
	APIVersion string

	// Faults are failures injected into individual requests; see Fault.
	Faults []Fault

	// NoLog turns off the request log of Server.Requests to save memory
	// in benchmarks; Server.Count still counts.
	NoLog bool
}

func (sc *Scenario) succeeded() bool { return strings.EqualFold(sc.terminal(), "Succeeded") }

func (sc *Scenario) terminal() string {
	if sc.Terminal == "" {
		return "Succeeded"
	}
	return sc.Terminal
}

// running is the in-progress status of the monitor or, with
// ProvisioningState, of the resource's provisioningState.
func (sc *Scenario) running(method string) string {
	if sc.RunningStatus != "" {
		return sc.RunningStatus
	}
	switch sc.Protocol {
	case OperationLocation:
		return "Running"
	case AzureAsyncOperation:
		return "InProgress"
	}
	return provisioning(method)
}

// provisioning is the provisioningState of a resource while a method runs.
func provisioning(method string) string {
	switch method {
	case http.MethodPatch:
		return "Updating"
	case http.MethodDelete:
		return "Deleting"
	}
	return "Creating"
}

func (sc *Scenario) failStatus() int {
	if sc.FailStatus == 0 {
		return http.StatusInternalServerError
	}
	return sc.FailStatus
}

// retryAfter sets the Retry-After headers for d, if positive.
func retryAfter(h http.Header, d time.Duration, ms bool) {
	if d <= 0 {
		return
	}
	h.Set("Retry-After", itoa(int((d+time.Second-1)/time.Second)))
	if ms {
		h.Set("Retry-After-Ms", itoa(int(d.Milliseconds())))
	}
}
