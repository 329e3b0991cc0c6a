// Package location implements Location polling: a 202 Accepted whose Location
// header names a status URL. Each GET of it answers 202 while the operation
// runs, possibly naming a new Location, and 200, 201 or 204 when it is done;
// that last response is the result.
package location

import (
	"net/http"

	"github.com/lrohttp/lro/strategies"
)

// Name is the strategy's name in resume tokens.
const Name = "location"

// Strategy polls the Location header of a 202. Its zero value is ready to
// use.
type Strategy struct{}

// New returns the Location strategy.
func New() *Strategy { return &Strategy{} }

// Name returns "location".
func (*Strategy) Name() string { return Name }

// Header returns "Location", the response header the strategy reads.
func (*Strategy) Header() string { return "Location" }

// Start applies to a 202 Accepted with a Location header.
func (*Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	if init.Response.StatusCode != http.StatusAccepted {
		return nil, nil
	}
	v := init.Response.Header.Get("Location")
	if v == "" {
		return nil, nil
	}
	u, err := strategies.Resolve(init.Response.URL, "Location", v)
	if err != nil {
		return nil, err
	}
	poll := u.String()
	return &strategies.Operation{
		Strategy:      Name,
		Method:        init.Method,
		URL:           init.URL.String(),
		PollURL:       poll,
		Location:      poll,
		FinalStateVia: init.FinalStateVia,
		Status:        strategies.InProgress,
	}, nil
}

// Update reads a poll of the status URL. A 202 means in progress and moves
// polling to its Location when it names one. Any other 2xx means done,
// unless its body has a properties.provisioningState that says otherwise.
func (*Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	if resp.StatusCode == http.StatusAccepted {
		op.Status = strategies.InProgress
		if v := resp.Header.Get("Location"); v != "" {
			u, err := strategies.Resolve(resp.URL, "Location", v)
			if err != nil {
				return err
			}
			op.PollURL = u.String()
		}
		return nil
	}
	op.Status = strategies.Succeeded
	op.ServiceStatus = ""
	if len(resp.Body) > 0 {
		if f, err := strategies.ParseFields(resp.Body); err == nil && f.HasProvisioningState {
			op.Status = strategies.ParseStatus(f.ProvisioningState)
			op.ServiceStatus = f.ProvisioningState
		}
	}
	return nil
}

// FinalURL returns "": the poll response that ended the operation is the
// result.
func (*Strategy) FinalURL(*strategies.Operation) string { return "" }
