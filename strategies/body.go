package strategies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors about status bodies. Update implementations wrap them, so callers
// can test with errors.Is.
var (
	// ErrEmptyBody means a status response that must have a body had none.
	ErrEmptyBody = errors.New("lro: status response has no body")
	// ErrInvalidBody means a status body is not valid JSON.
	ErrInvalidBody = errors.New("lro: status body is not valid JSON")
	// ErrNoStatus means a status body has no string "status" field.
	ErrNoStatus = errors.New("lro: status body has no string \"status\"")
)

// Fields is what lro reads from a JSON status or resource body. Absent fields
// are zero.
type Fields struct {
	// Status is the top-level "status" string, and HasStatus whether the
	// body had one.
	Status    string
	HasStatus bool
	// ProvisioningState is "properties.provisioningState", and
	// HasProvisioningState whether the body had one.
	ProvisioningState    string
	HasProvisioningState bool
	// ResourceLocation is the top-level "resourceLocation" string.
	ResourceLocation string
	// PercentComplete is the top-level "percentComplete" number, and
	// HasPercentComplete whether the body had one.
	PercentComplete    float64
	HasPercentComplete bool
	// ErrorCode and ErrorMessage come from the "error" object
	// ({"error":{"code":…,"message":…}}). ErrorNumber is its "code" when
	// that is a JSON integer that fits an int (ErrorCode is then ""), else 0.
	ErrorCode    string
	ErrorNumber  int
	ErrorMessage string
}

type rawFields struct {
	Status           json.RawMessage `json:"status"`
	Properties       json.RawMessage `json:"properties"`
	ResourceLocation json.RawMessage `json:"resourceLocation"`
	PercentComplete  json.RawMessage `json:"percentComplete"`
	Error            json.RawMessage `json:"error"`
}

// ParseFields reads the fields lro uses from a JSON body, whatever its
// Content-Type. It fails with ErrEmptyBody for an empty (or all-space) body
// and ErrInvalidBody for anything that is not a JSON object. Fields of an
// unexpected type are treated as absent, except "status" (see ParseStatusBody).
func ParseFields(body []byte) (Fields, error) {
	var f Fields
	if len(bytes.TrimSpace(body)) == 0 {
		return f, ErrEmptyBody
	}
	if f, ok := parseFieldsFast(body); ok {
		return f, nil
	}
	return parseFieldsSlow(body)
}

// parseFieldsSlow is ParseFields through encoding/json: the reference the
// fast path must agree with, and the path for every body it declines.
func parseFieldsSlow(body []byte) (Fields, error) {
	var f Fields
	var raw rawFields
	if err := json.Unmarshal(body, &raw); err != nil {
		return f, fmt.Errorf("%w: %w; the body starts %s", ErrInvalidBody, err, bodyStart(body))
	}
	f.Status, f.HasStatus = jsonString(raw.Status)
	if len(raw.Properties) > 0 && raw.Properties[0] == '{' {
		var p struct {
			ProvisioningState json.RawMessage `json:"provisioningState"`
		}
		if json.Unmarshal(raw.Properties, &p) == nil {
			f.ProvisioningState, f.HasProvisioningState = jsonString(p.ProvisioningState)
		}
	}
	f.ResourceLocation, _ = jsonString(raw.ResourceLocation)
	if len(raw.PercentComplete) > 0 && json.Unmarshal(raw.PercentComplete, &f.PercentComplete) == nil {
		f.HasPercentComplete = true
	}
	if len(raw.Error) > 0 && raw.Error[0] == '{' {
		var e struct {
			Code    json.RawMessage `json:"code"`
			Message json.RawMessage `json:"message"`
		}
		if json.Unmarshal(raw.Error, &e) == nil {
			f.ErrorCode, _ = jsonString(e.Code)
			f.ErrorNumber = jsonInt(e.Code)
			f.ErrorMessage, _ = jsonString(e.Message)
		}
	}
	return f, nil
}

// bodyStartLen is how much of an invalid body an error shows.
const bodyStartLen = 64

// bodyStart quotes the first bytes of body for an error message.
func bodyStart(body []byte) string {
	if len(body) <= bodyStartLen {
		return strconv.Quote(string(body))
	}
	return strconv.Quote(string(body[:bodyStartLen])) + "…"
}

// State is the state an Azure body declares: its "status", else its
// properties.provisioningState, with the string as sent. ok is false when it
// declares neither.
func (f *Fields) State() (st Status, service string, ok bool) {
	switch {
	case f.HasStatus:
		return ParseStatus(f.Status), f.Status, true
	case f.HasProvisioningState:
		return ParseStatus(f.ProvisioningState), f.ProvisioningState, true
	}
	return "", "", false
}

// Report copies what an Azure body says besides the status into op: its
// percentComplete as op's progress (absent means none), and its "error"
// object's code and message (read only once op has failed or was
// canceled).
func (f *Fields) Report(op *Operation) {
	op.Progress, op.HasProgress = f.PercentComplete, f.HasPercentComplete
	op.ErrorCode, op.ErrorNumber, op.ErrorMessage = f.ErrorCode, 0, f.ErrorMessage
}

// ReadInitial applies an Azure initial response's body to a new operation:
// a terminal state it declares ("status", else provisioningState) becomes
// op's Status and ServiceStatus, so that no poll is sent, and its progress
// and error are reported as Report does. A body that is not JSON, or
// declares a state still in progress, leaves the status as it is.
func ReadInitial(op *Operation, body []byte) {
	if len(body) == 0 {
		return
	}
	f, err := ParseFields(body)
	if err != nil {
		return
	}
	if st, svc, ok := f.State(); ok && st.Terminal() {
		op.Status, op.ServiceStatus = st, svc
	}
	f.Report(op)
}

// ParseStatusBody reads a status-monitor body: like ParseFields, but a body
// without a string "status" fails with ErrNoStatus.
func ParseStatusBody(body []byte) (Fields, error) {
	f, err := ParseFields(body)
	if err != nil {
		return f, err
	}
	if !f.HasStatus {
		return f, ErrNoStatus
	}
	return f, nil
}

// jsonString decodes raw as a JSON string; ok is false for anything else.
func jsonString(raw json.RawMessage) (s string, ok bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// jsonInt decodes raw as a JSON integer that fits an int, else 0.
func jsonInt(raw json.RawMessage) int {
	var n int
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		return 0
	}
	return n
}

// ParseStatus maps a service's status string to a Status, ignoring case:
// Succeeded is Succeeded; Failed is Failed; Canceled and Cancelled are
// Canceled; anything else (Running, InProgress, Accepted, Creating, "") is
// InProgress.
func ParseStatus(s string) Status {
	switch {
	case strings.EqualFold(s, "succeeded"):
		return Succeeded
	case strings.EqualFold(s, "failed"):
		return Failed
	case strings.EqualFold(s, "canceled"), strings.EqualFold(s, "cancelled"):
		return Canceled
	}
	return InProgress
}
