// Package body implements ARM's provisioningState polling: a PUT or PATCH
// answered 200 or 201 with no polling header, whose JSON body has a
// non-terminal properties.provisioningState. The resource's own URL is
// polled until the state is terminal; that last GET is the result.
//
// Where it applies: a PUT or PATCH answered 200 or 201, on any host, when the
// body says so. ARM's rules make a provisioningState that is not final the
// signal only when no header names a monitor, so the strategy comes after the
// header strategies in the default chain; a resource body without the field,
// or with a final state, passes through untouched.
package body

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

var (
	canonAAO = http.CanonicalHeaderKey(detect.HeaderAzureAsyncOperation)
	canonOL  = http.CanonicalHeaderKey(detect.HeaderOperationLocation)
)

// Name is the strategy's name in resume tokens.
const Name = "body"

// Strategy polls the original URL of a PUT or PATCH. Its zero value is ready
// to use, as a value or a pointer: its methods have value receivers, so a
// strategy of your own can embed it by value (struct{ body.Strategy }) and
// override what differs.
type Strategy struct{}

// New returns the provisioningState strategy.
func New() *Strategy { return &Strategy{} }

// Name returns "body".
func (Strategy) Name() string { return Name }

// Applies reports whether the response is a 200 or 201 to a PUT or PATCH.
func (Strategy) Applies(method string, _ *url.URL, statusCode int, _ http.Header) bool {
	return (method == http.MethodPut || method == http.MethodPatch) &&
		(statusCode == http.StatusOK || statusCode == http.StatusCreated)
}

// Start starts an operation when the body has a properties.provisioningState
// that is not final. Next to a monitor header (one the strategies before
// this one refused as invalid), any provisioningState does, a final one then
// ending the operation at once.
func (s Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	h := init.Response.Header
	if !s.Applies(init.Method, init.URL, init.Response.StatusCode, h) {
		return nil, nil
	}
	if !detect.StartsByBody(init.Response.Body) && !detect.HasHeader(h, canonAAO) && !detect.HasHeader(h, canonOL) {
		return nil, nil
	}
	f, err := strategies.ParseFields(init.Response.Body)
	if err != nil || !f.HasProvisioningState {
		return nil, nil
	}
	op := &strategies.Operation{
		Strategy:      Name,
		Method:        init.Method,
		URL:           init.URL.String(),
		PollURL:       init.URL.String(),
		FinalStateVia: init.FinalStateVia,
		Status:        strategies.InProgress,
		ServiceStatus: f.ProvisioningState,
	}
	if st, svc, ok := f.State(); ok && st.Terminal() {
		op.Status, op.ServiceStatus = st, svc
	}
	f.Report(op)
	return op, nil
}

// Update reads a GET of the resource per ARM's rules: 202 is in progress,
// 204 is done, and a 200 or 201 carries the state in
// properties.provisioningState, with no state meaning Succeeded. A 200 or 201
// without a JSON body is an error.
func (Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	switch resp.StatusCode {
	case http.StatusAccepted:
		op.Status, op.HasProgress = strategies.InProgress, false
		return nil
	case http.StatusNoContent:
		op.Status, op.ServiceStatus, op.HasProgress = strategies.Succeeded, "", false
		return nil
	}
	f, err := strategies.ParseFields(resp.Body)
	if err != nil {
		return fmt.Errorf("lro: polling %s for provisioningState: %w", op.PollURL, err)
	}
	f.Report(op)
	if !f.HasProvisioningState {
		op.Status, op.ServiceStatus = strategies.Succeeded, ""
		return nil
	}
	op.Status = strategies.ParseStatus(f.ProvisioningState)
	op.ServiceStatus = f.ProvisioningState
	return nil
}

// Result returns the zero Result: the GET that ended the operation is the
// result.
func (Strategy) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{}
}
