// Package body implements ARM's provisioningState polling: a PUT or PATCH
// answered 200 or 201 with no polling header, whose JSON body has a
// non-terminal properties.provisioningState. The resource's own URL is
// polled until the state is terminal; that last GET is the result.
package body

import (
	"fmt"
	"net/http"

	"github.com/lrohttp/lro/strategies"
)

// Name is the strategy's name in resume tokens.
const Name = "body"

// Strategy polls the original URL of a PUT or PATCH. Its zero value is ready
// to use.
type Strategy struct{}

// New returns the provisioningState strategy.
func New() *Strategy { return &Strategy{} }

// Name returns "body".
func (*Strategy) Name() string { return Name }

// Start applies to a PUT or PATCH answered 200 or 201 whose body has a
// properties.provisioningState.
func (*Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	if init.Method != http.MethodPut && init.Method != http.MethodPatch {
		return nil, nil
	}
	if c := init.Response.StatusCode; c != http.StatusOK && c != http.StatusCreated {
		return nil, nil
	}
	f, err := strategies.ParseFields(init.Response.Body)
	if err != nil || !f.HasProvisioningState {
		return nil, nil
	}
	return &strategies.Operation{
		Strategy:      Name,
		Method:        init.Method,
		URL:           init.URL.String(),
		PollURL:       init.URL.String(),
		FinalStateVia: init.FinalStateVia,
		Status:        strategies.InProgress,
		ServiceStatus: f.ProvisioningState,
	}, nil
}

// Update reads a GET of the resource per ARM's rules: 202 is in progress,
// 204 is done, and a 200 or 201 carries the state in
// properties.provisioningState, with no state meaning Succeeded. A 200 or 201
// without a JSON body is an error.
func (*Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	switch resp.StatusCode {
	case http.StatusAccepted:
		op.Status = strategies.InProgress
		return nil
	case http.StatusNoContent:
		op.Status, op.ServiceStatus = strategies.Succeeded, ""
		return nil
	}
	f, err := strategies.ParseFields(resp.Body)
	if err != nil {
		return fmt.Errorf("lro: polling %s for provisioningState: %w", op.PollURL, err)
	}
	if !f.HasProvisioningState {
		op.Status, op.ServiceStatus = strategies.Succeeded, ""
		return nil
	}
	op.Status = strategies.ParseStatus(f.ProvisioningState)
	op.ServiceStatus = f.ProvisioningState
	return nil
}

// FinalURL returns "": the GET that ended the operation is the result.
func (*Strategy) FinalURL(*strategies.Operation) string { return "" }
