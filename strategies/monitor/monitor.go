// Package monitor implements the status-monitor protocols: Azure's
// Azure-AsyncOperation header (ARM) and the Operation-Location header (Azure
// data plane, and the REST API guidelines). The header names a monitor whose
// JSON body has a "status"; the result is then fetched per the final-state
// rules of Result.
//
// Where they apply: a 200, 201 or 202 response carrying the strategy's
// header, on any host and for any method. The header is the protocol's own
// signal (no other protocol sends it), so no host scope is needed.
package monitor

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// Names of the two monitor strategies, as they appear in resume tokens.
const (
	AzureAsyncOperationName = "azure-async-operation"
	OperationLocationName   = "operation-location"
)

// Strategy polls a status monitor named by one response header. Use
// AzureAsyncOperation or OperationLocation; the zero value is not usable.
type Strategy struct {
	name   string
	header string
	canon  string // header in canonical form, for allocation-free lookups
	// resourceLocation: the monitor body's resourceLocation names the
	// result (Operation-Location only).
	resourceLocation bool
}

// AzureAsyncOperation returns the strategy for the Azure-AsyncOperation
// header.
func AzureAsyncOperation() *Strategy {
	return &Strategy{name: AzureAsyncOperationName, header: detect.HeaderAzureAsyncOperation,
		canon: http.CanonicalHeaderKey(detect.HeaderAzureAsyncOperation)}
}

// OperationLocation returns the strategy for the Operation-Location header.
// On success, a "resourceLocation" in the monitor body names the result.
func OperationLocation() *Strategy {
	return &Strategy{name: OperationLocationName, header: detect.HeaderOperationLocation,
		canon: http.CanonicalHeaderKey(detect.HeaderOperationLocation), resourceLocation: true}
}

// Name returns the strategy's name.
func (s *Strategy) Name() string { return s.name }

// Header returns the response header the strategy reads.
func (s *Strategy) Header() string { return s.header }

// Applies reports whether a 200, 201 or 202 response carries the
// strategy's header.
func (s *Strategy) Applies(_ string, _ *url.URL, statusCode int, header http.Header) bool {
	return detect.MayStart(statusCode) && detect.HasHeader(header, s.canon)
}

// Start starts an operation from the strategy's header. An invalid Location
// next to it is ignored. An initial body that declares a terminal "status"
// (or provisioningState) ends the operation at once.
func (s *Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	h := init.Response.Header
	v := h.Get(s.header)
	if v == "" {
		return nil, nil
	}
	poll, err := strategies.ResolveURL(init.Response.URL, s.header, v)
	if err != nil {
		return nil, err
	}
	op := &strategies.Operation{
		Strategy:      s.name,
		Method:        init.Method,
		URL:           init.URL.String(),
		FinalStateVia: init.FinalStateVia,
		Status:        strategies.InProgress,
	}
	op.SetPollURL(poll)
	if loc := h.Get("Location"); loc != "" {
		if u, err := strategies.ResolveURL(init.Response.URL, "Location", loc); err == nil {
			op.Location = u.String()
		}
	}
	strategies.ReadInitial(op, init.Response.Body)
	return op, nil
}

// Update reads a monitor response. A 202 means in progress; otherwise the
// body must be JSON with a string "status".
func (s *Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	if resp.StatusCode == http.StatusAccepted {
		op.Status = strategies.InProgress
		return nil
	}
	f, err := strategies.ParseStatusBody(resp.Body)
	if err != nil {
		return fmt.Errorf("lro: %s monitor %s: %w", s.header, op.PollURL, err)
	}
	op.Status = strategies.ParseStatus(f.Status)
	op.ServiceStatus = f.Status
	f.Report(op)
	if s.resourceLocation && op.Status == strategies.Succeeded && f.ResourceLocation != "" {
		u, err := strategies.ResolveURL(resp.URL, "resourceLocation", f.ResourceLocation)
		if err != nil {
			return err
		}
		op.ResultURL = u.String()
	}
	return nil
}

// Result applies the final-result rules. An initial response other than a
// 202 that already declares success is itself the result. Otherwise:
//   - PUT and PATCH GET the Location with final-state-via "location" when
//     there is one, else the monitor's resourceLocation, else the original URL;
//   - DELETE has no final GET;
//   - POST (and any other method) has no final GET with final-state-via
//     "azure-async-operation" or "operation-location", GETs the original URL
//     with "original-uri", and otherwise GETs the Location, else the
//     resourceLocation, else nothing.
//
// Without a final GET, the monitor response that ended the operation is the
// result.
func (s *Strategy) Result(op *strategies.Operation, last *strategies.Response) strategies.Result {
	if last != nil && last.Initial && last.StatusCode != http.StatusAccepted {
		return strategies.Result{}
	}
	return strategies.Result{Get: finalURL(op)}
}

func finalURL(op *strategies.Operation) string {
	if op.Status != strategies.Succeeded {
		return ""
	}
	switch op.Method {
	case http.MethodPut, http.MethodPatch:
		if op.FinalStateVia == "location" && op.Location != "" {
			return op.Location
		}
		if op.ResultURL != "" {
			return op.ResultURL
		}
		return op.URL
	case http.MethodDelete:
		return ""
	}
	switch op.FinalStateVia {
	case AzureAsyncOperationName, OperationLocationName:
		return ""
	case "original-uri":
		return op.URL
	}
	if op.Location != "" {
		return op.Location
	}
	return op.ResultURL
}
