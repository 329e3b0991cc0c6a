// Package detect holds the helpers strategies use to decide whether a
// response starts a long-running operation: status classes, header tests,
// the rules of the body peek, and sniffing a peeked body's shape. It decides
// nothing itself: each strategy owns its applicability (see
// strategies.Strategy), and the default chain's order is written once, in
// lro.DefaultStrategies. Nothing here does I/O or allocates, except
// StartsByBody, which parses JSON.
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

// PeekLimit is the most bytes the transport peeks of an initial response's
// body before Start: a body is handed to Start only when it is this long or
// shorter, and is nil otherwise (too long to parse; the strategy then
// decides from status and headers alone). The caller reads the body byte
// for byte all the same.
const PeekLimit = 64 << 10

// MayStart reports whether status is one a status-monitor or Location
// operation can start with: 200 OK, 201 Created or 202 Accepted. Errors,
// 204 and 3xx never start one.
func MayStart(status int) bool {
	return status == http.StatusOK || status == http.StatusCreated || status == http.StatusAccepted
}

// Success reports whether status is 2xx with a body to read: 200 to 299
// except 204 No Content.
func Success(status int) bool {
	return status >= 200 && status <= 299 && status != http.StatusNoContent
}

// HasHeader reports whether h has a non-empty value for key. key must be in
// canonical form (http.CanonicalHeaderKey), so that the lookup does not
// allocate: "Operation-Location" and "Location" are; "Azure-AsyncOperation"
// is "Azure-Asyncoperation".
func HasHeader(h http.Header, key string) bool {
	v := h[key]
	return len(v) > 0 && v[0] != ""
}

// IsRead reports whether method only reads: GET and HEAD answer with a
// resource's state and never start an operation of a body-detected protocol
// (a GET of an operation's own URL returns the operation).
func IsRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// LooksLikeObject reports whether body's first byte after white space opens
// a JSON object. It reads no further.
func LooksLikeObject(body []byte) bool {
	for _, c := range body {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

// Mentions reports whether body contains quoted, a JSON string with its
// quotes, as a cheap test before parsing: a body that never mentions a
// protocol's key word is not the protocol's.
func Mentions(body []byte, quoted string) bool {
	return bytes.Contains(body, []byte(quoted))
}

var provisioningState = []byte(`"provisioningState"`)

// StartsByBody reports whether a peeked body starts an ARM provisioningState
// operation: it must be a JSON object whose properties.provisioningState is
// a non-terminal string. A body that is not JSON, was cut short by the peek
// limit, or has no such field does not.
func StartsByBody(body []byte) bool {
	// Most bodies never mention the field: skip the JSON decoder for them.
	if !bytes.Contains(body, provisioningState) {
		return false
	}
	// A body that reports a terminal state needs no decoder either.
	if settled(body) {
		return false
	}
	f, err := strategies.ParseFields(body)
	return err == nil && f.HasProvisioningState && !strategies.ParseStatus(f.ProvisioningState).Terminal()
}
