package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// Name is the strategy's name in resume tokens.
const Name = "graph"

// Hosts are the domains (with their subdomains) the default chain scopes the
// strategy to.
var Hosts = []string{"graph.microsoft.com", "sharepoint.com", "api.onedrive.com"}

// Strategy reads Graph's status resources. Its zero value is ready to use,
// alone, embedded by value or as a pointer.
type Strategy struct{}

// New returns the Graph strategy, unscoped: it applies to a 202 with a
// Location on any host. Scope it with strategies.OnHosts(graph.New(),
// graph.Hosts...), as the default chain does.
func New() *Strategy { return &Strategy{} }

// Name returns "graph".
func (Strategy) Name() string { return Name }

// Header returns "Location", the response header the strategy reads.
func (Strategy) Header() string { return "Location" }

// Applies reports whether the response is a 202 Accepted with a Location.
func (Strategy) Applies(_ string, _ *url.URL, statusCode int, header http.Header) bool {
	return statusCode == http.StatusAccepted && detect.HasHeader(header, detect.HeaderLocation)
}

// Start starts an operation from the 202's Location. A Location that is a
// path without Graph's version segment (Teams sends
// "/teams('…')/operations('…')") is resolved under the request's version
// (/v1.0 or /beta). An initial body with a terminal status ends it at once.
func (Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	v := init.Response.Header.Get("Location")
	if init.Response.StatusCode != http.StatusAccepted || v == "" {
		return nil, nil
	}
	u, err := resolve(init.Response.URL, "Location", v)
	if err != nil {
		return nil, err
	}
	op := &strategies.Operation{
		Strategy: Name, Method: init.Method, URL: init.URL.String(),
		PollURL: u.String(), Location: u.String(), Status: strategies.InProgress,
	}
	if s, err := Parse(init.Response.Body); err == nil && s.HasStatus {
		if err := apply(op, init.Response, s); err != nil {
			return nil, err
		}
	}
	return op, nil
}

// Update reads one answer of the status resource. An answer that lro
// reached by following a redirect (the monitor's 303 to the item) ends the
// operation with that answer as the result. Otherwise the body must be a
// Graph status: a 202 without one means in progress, any other answer
// without one is an error.
func (Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	op.HasProgress = false
	if strategies.Redirected(op.PollURL, resp) {
		op.Status, op.ServiceStatus, op.ResultURL = strategies.Succeeded, "", ""
		return nil
	}
	s, err := Parse(resp.Body)
	if err == nil && !s.HasStatus {
		err = strategies.ErrNoStatus
	}
	if err != nil {
		if resp.StatusCode == http.StatusAccepted {
			op.Status = strategies.InProgress
			return nil
		}
		return fmt.Errorf("lro: Graph status resource %s: %w", resp.URL.Redacted(), err)
	}
	return apply(op, resp, s)
}

// apply sets op from the status s read from resp.
func apply(op *strategies.Operation, resp *strategies.Response, s Status) error {
	op.Status, op.ServiceStatus = ParseStatus(s.Status), s.Status
	op.Progress, op.HasProgress = s.PercentageComplete, s.HasPercentage
	op.ErrorCode, op.ErrorNumber, op.ErrorMessage = "", 0, ""
	switch op.Status {
	case strategies.Failed, strategies.Canceled:
		op.ErrorCode, op.ErrorMessage = s.ErrorCode, s.ErrorMessage
		if op.ErrorMessage == "" {
			op.ErrorMessage = s.StatusDescription
		}
	case strategies.Succeeded:
		if s.ResourceLocation != "" {
			u, err := resolve(resp.URL, "resourceLocation", s.ResourceLocation)
			if err != nil {
				return err
			}
			op.ResultURL = u.String()
		}
	}
	return nil
}

// Result GETs the resourceLocation when the service named one. Otherwise
// the response that ended the operation is the result: the item a 303 led
// to, or the final status body.
func (Strategy) Result(op *strategies.Operation, last *strategies.Response) strategies.Result {
	if last != nil && strategies.Redirected(op.PollURL, last) {
		return strategies.Result{}
	}
	return strategies.Result{Get: op.ResultURL}
}

// ParseStatus maps a Graph status word to a Status, ignoring case. Words
// Graph does not define (its unknownFutureValue among them) read as in
// progress: the operation is polled until it says more, or WithMaxWait ends
// it with an error.
func ParseStatus(s string) strategies.Status {
	switch strings.ToLower(s) {
	case "completed", "succeeded":
		return strategies.Succeeded
	case "failed", "deletefailed":
		return strategies.Failed
	case "canceled", "cancelled":
		return strategies.Canceled
	}
	return strategies.InProgress
}

// Status is what lro reads from a Graph status body.
type Status struct {
	// Status is the "status" string, and HasStatus whether there was one.
	Status    string
	HasStatus bool
	// PercentageComplete is "percentageComplete", when HasPercentage.
	PercentageComplete float64
	HasPercentage      bool
	// ResourceLocation is "resourceLocation", else
	// "targetResourceLocation" (teamsAsyncOperation), or "".
	ResourceLocation string
	// StatusDescription is asyncJobStatus's "statusDescription".
	StatusDescription string
	// ErrorCode and ErrorMessage are "error.code" and "error.message".
	ErrorCode, ErrorMessage string
}

// Parse reads a Graph status body. Fields of an unexpected type count as
// absent; a body that is not a JSON object fails with
// strategies.ErrEmptyBody or strategies.ErrInvalidBody.
func Parse(body []byte) (Status, error) {
	var s Status
	if len(bytes.TrimSpace(body)) == 0 {
		return s, strategies.ErrEmptyBody
	}
	var raw struct {
		Status, PercentageComplete, ResourceLocation, TargetResourceLocation, StatusDescription json.RawMessage
		Error                                                                                   json.RawMessage
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return s, fmt.Errorf("%w: %w", strategies.ErrInvalidBody, err)
	}
	s.Status, s.HasStatus = str(raw.Status)
	if len(raw.PercentageComplete) > 0 && json.Unmarshal(raw.PercentageComplete, &s.PercentageComplete) == nil {
		s.HasPercentage = s.PercentageComplete >= 0 && s.PercentageComplete <= 100
	}
	s.ResourceLocation, _ = str(raw.ResourceLocation)
	if s.ResourceLocation == "" {
		s.ResourceLocation, _ = str(raw.TargetResourceLocation)
	}
	s.StatusDescription, _ = str(raw.StatusDescription)
	if len(raw.Error) > 0 && raw.Error[0] == '{' {
		var e struct{ Code, Message json.RawMessage }
		if json.Unmarshal(raw.Error, &e) == nil {
			s.ErrorCode, _ = str(e.Code)
			s.ErrorMessage, _ = str(e.Message)
		}
	}
	return s, nil
}

func str(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// resolve resolves ref against base, first putting a root-relative path
// under base's Graph version segment when it lacks one.
func resolve(base *url.URL, source, ref string) (*url.URL, error) {
	if base != nil && strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "//") && strategies.HostUnder(base.Hostname(), "graph.microsoft.com") {
		if v := version(base.Path); v != "" && !strings.HasPrefix(ref, v+"/") {
			ref = v + ref
		}
	}
	return strategies.Resolve(base, source, ref)
}

// version returns the leading "/v1.0" or "/beta" of a Graph path, or "".
func version(p string) string {
	for _, v := range []string{"/v1.0", "/beta"} {
		if p == v || strings.HasPrefix(p, v+"/") {
			return v
		}
	}
	return ""
}
