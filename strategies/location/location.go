// Package location implements Location polling: a 202 Accepted whose Location
// header names a status URL. Each GET of it answers 202 while the operation
// runs, possibly naming a new Location, and 200, 201 or 204 when it is done;
// that last response is the result.
//
// Where it applies: a 202 Accepted with a Location header, on any host and
// for any method. A 202 names work not done yet, and its Location is then the
// place to ask, as RFC 9110 describes; a 201's Location names a created
// resource instead, so a 201 is not an operation.
package location

import (
	"net/http"
	"net/url"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// Name is the strategy's name in resume tokens.
const Name = "location"

// Strategy polls the Location header of a 202. Its zero value is ready to
// use, as a value or a pointer: its methods have value receivers, so a
// strategy of your own can embed it by value (struct{ location.Strategy })
// and override what differs.
type Strategy struct{}

// New returns the Location strategy.
func New() *Strategy { return &Strategy{} }

// Name returns "location".
func (Strategy) Name() string { return Name }

// Header returns "Location", the response header the strategy reads.
func (Strategy) Header() string { return "Location" }

// Applies reports whether the response is a 202 Accepted with a Location
// header.
func (Strategy) Applies(_ string, _ *url.URL, statusCode int, header http.Header) bool {
	return statusCode == http.StatusAccepted && detect.HasHeader(header, detect.HeaderLocation)
}

// Start starts an operation from a 202's Location. An initial body that
// declares a terminal "status" (or provisioningState) ends it at once.
func (Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	if init.Response.StatusCode != http.StatusAccepted {
		return nil, nil
	}
	v := init.Response.Header.Get("Location")
	if v == "" {
		return nil, nil
	}
	u, err := strategies.ResolveURL(init.Response.URL, "Location", v)
	if err != nil {
		return nil, err
	}
	op := &strategies.Operation{
		Strategy:      Name,
		Method:        init.Method,
		URL:           init.URL.String(),
		Location:      u.String(),
		FinalStateVia: init.FinalStateVia,
		Status:        strategies.InProgress,
	}
	op.SetPollURL(u)
	strategies.ReadInitial(op, init.Response.Body)
	return op, nil
}

// Update reads a poll of the status URL. A 202 means in progress and moves
// polling to its Location when it names one. Any other 2xx means done,
// unless its JSON body says otherwise: a properties.provisioningState is
// the state. A top-level "status" of Failed or Canceled (any case), in any
// 2xx, a 202 included, is a failure, as the same body in the initial
// response is. Other
// "status" words (a resource's own "Running", "Active") leave a 2xx done:
// AutoRest's Location rules take the final 2xx as the result.
func (Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	op.HasProgress = false
	var f strategies.Fields
	if len(resp.Body) > 0 {
		if g, err := strategies.ParseFields(resp.Body); err == nil {
			f = g
			f.Report(op)
		}
	}
	if failure(op, &f) {
		return nil
	}
	if resp.StatusCode == http.StatusAccepted {
		return strategies.MoveToLocation(op, resp)
	}
	op.Status = strategies.Succeeded
	op.ServiceStatus = ""
	if f.HasProvisioningState {
		op.Status = strategies.ParseStatus(f.ProvisioningState)
		op.ServiceStatus = f.ProvisioningState
	}
	failure(op, &f)
	return nil
}

// failure ends op when the body's top-level "status" says Failed or
// Canceled, in any case, and reports whether it did.
func failure(op *strategies.Operation, f *strategies.Fields) bool {
	if !f.HasStatus {
		return false
	}
	st := strategies.ParseStatus(f.Status)
	if st != strategies.Failed && st != strategies.Canceled {
		return false
	}
	op.Status, op.ServiceStatus = st, f.Status
	return true
}

// Result returns the zero Result: the poll response that ended the
// operation is the result.
func (Strategy) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{}
}
