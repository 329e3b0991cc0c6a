// Package detect decides whether a response starts a long-running operation.
// It does no I/O: it reads a status code, headers and, when asked to, bytes the
// transport peeked from the body.
//
// The rules, in order:
//  1. Responses other than 200, 201 and 202 pass through (errors, 204, 3xx).
//  2. A 202 with Operation-Location, Azure-AsyncOperation or Location starts
//     an operation, whatever the method.
//  3. A 200 or 201 with Operation-Location or Azure-AsyncOperation starts one.
//     A 201 with only Location is a created resource, not an operation.
//  4. A PUT or PATCH answered 200 or 201 with none of those headers may start
//     one: its body decides (see StartsByBody).
//  5. Everything else passes through, a 202 without a header among them.
package detect

import (
	"bytes"
	"net/http"

	"github.com/lrohttp/lro/strategies"
)

// Header names that start an operation.
const (
	HeaderAzureAsyncOperation = "Azure-AsyncOperation"
	HeaderOperationLocation   = "Operation-Location"
	HeaderLocation            = "Location"
)

var (
	canonAAO = http.CanonicalHeaderKey(HeaderAzureAsyncOperation)
	canonOL  = http.CanonicalHeaderKey(HeaderOperationLocation)
)

// Kind is what Classify decided. The zero value is None.
type Kind uint8

const (
	// None: the response is not an operation; pass it through.
	None Kind = iota
	// Headers: the response starts an operation by its headers.
	Headers
	// Body: the response starts an operation if its body has a
	// non-terminal provisioningState.
	Body
)

// Classify applies rules 1 to 5 to a response's method, status and headers.
func Classify(method string, status int, h http.Header) Kind {
	switch status {
	case http.StatusAccepted:
		if has(h, canonOL) || has(h, canonAAO) || has(h, HeaderLocation) {
			return Headers
		}
		return None
	case http.StatusOK, http.StatusCreated:
		if has(h, canonOL) || has(h, canonAAO) {
			return Headers
		}
		if method == http.MethodPut || method == http.MethodPatch {
			return Body
		}
	}
	return None
}

// has reports whether h has a non-empty key. It indexes the map with the
// canonical form of key (computed once, below) to stay allocation-free.
func has(h http.Header, key string) bool {
	v := h[key]
	return len(v) > 0 && v[0] != ""
}

var provisioningState = []byte(`"provisioningState"`)

// StartsByBody reports whether a peeked body of a Body response starts an
// operation: it must be a JSON object whose properties.provisioningState is a
// non-terminal string. A body that is not JSON, was cut short by the peek
// limit, or has no such field does not; the response passes through.
func StartsByBody(body []byte) bool {
	// Most bodies never mention the field: skip the JSON decoder for them.
	if !bytes.Contains(body, provisioningState) {
		return false
	}
	f, err := strategies.ParseFields(body)
	return err == nil && f.HasProvisioningState && !strategies.ParseStatus(f.ProvisioningState).Terminal()
}

// InitialState reads the state an initial response's body declares: its
// "status", else its properties.provisioningState. ok is false when the body
// declares neither (or is not JSON); the operation is then in progress.
func InitialState(body []byte) (st strategies.Status, service string, ok bool) {
	if len(body) == 0 {
		return "", "", false
	}
	f, err := strategies.ParseFields(body)
	switch {
	case err != nil:
		return "", "", false
	case f.HasStatus:
		return strategies.ParseStatus(f.Status), f.Status, true
	case f.HasProvisioningState:
		return strategies.ParseStatus(f.ProvisioningState), f.ProvisioningState, true
	}
	return "", "", false
}
