package google

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

// Both Google strategies read AIP-193 error bodies, scoped to
// googleapis.com or not: the status word is Code, the integer code
// NumericCode. A body that is junk, huge or of another shape gives no code,
// and no panic.
func TestReadError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want strategies.ServiceError
	}{
		{"AIP-193 404", `{"error":{"code":404,"message":"Operation operations/x not found.","status":"NOT_FOUND"}}`,
			strategies.ServiceError{Code: "NOT_FOUND", NumericCode: 404, Message: "Operation operations/x not found."}},
		{"AIP-193 with details",
			`{"error":{"code":400,"message":"bad name","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"name"}]}]}}`,
			strategies.ServiceError{Code: "INVALID_ARGUMENT", NumericCode: 400, Message: "bad name"}},
		{"older format: the first reason", `{"error":{"code":403,"message":"denied","errors":[{"reason":"forbidden","domain":"global"},{"reason":"other"}]}}`,
			strategies.ServiceError{Code: "forbidden", NumericCode: 403, Message: "denied"}},
		{"status wins over the reason", `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","errors":[{"reason":"rateLimitExceeded"}]}}`,
			strategies.ServiceError{Code: "RESOURCE_EXHAUSTED", NumericCode: 429}},
		{"a proxy's OData error", `{"error":{"code":"BadGateway","message":"upstream"}}`,
			strategies.ServiceError{Code: "BadGateway", Message: "upstream"}},
		{"non-string status", `{"error":{"code":500,"status":13,"message":"m"}}`, strategies.ServiceError{NumericCode: 500, Message: "m"}},
		{"fractional code", `{"error":{"code":500.5,"status":"INTERNAL"}}`, strategies.ServiceError{Code: "INTERNAL"}},
		{"errors not a list", `{"error":{"code":500,"errors":{"reason":"x"}}}`, strategies.ServiceError{NumericCode: 500}},
		{"errors of the wrong shape", `{"error":{"code":500,"errors":[1]}}`, strategies.ServiceError{NumericCode: 500}},
		{"error not an object", `{"error":"boom"}`, strategies.ServiceError{}},
		{"not an object", `[{"error":{"code":1}}]`, strategies.ServiceError{}},
		{"empty", ``, strategies.ServiceError{}},
		{"junk", `<html>503 Service Unavailable</html>`, strategies.ServiceError{}},
		{"truncated", `{"error":{"code":404,"status":"NOT_FO`, strategies.ServiceError{}},
		{"huge junk", "{" + strings.Repeat("x", 1<<20), strategies.ServiceError{}},
		{"huge message", `{"error":{"code":500,"status":"INTERNAL","message":"` + strings.Repeat("m", 1<<20) + `"}}`,
			strategies.ServiceError{Code: "INTERNAL", NumericCode: 500, Message: strings.Repeat("m", 1<<20)}},
		{"too deep", strings.Repeat(`{"error":`, 100_000) + strings.Repeat("}", 100_000), strategies.ServiceError{}},
	}
	u := mustURL(t, "https://x.googleapis.com/v1/operations/x")
	readers := map[string]strategies.Strategy{
		"operations": Operations(), "compute": Compute(),
		"scoped operations": strategies.OnHosts(Operations(), "googleapis.com"),
		"scoped compute":    strategies.OnHosts(Compute(), "googleapis.com"),
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for name, s := range readers {
				resp := &strategies.Response{StatusCode: http.StatusNotFound, Body: []byte(tc.body), URL: u}
				if got := strategies.ReadError(s, &strategies.Operation{}, resp); got != tc.want {
					t.Errorf("%s: ReadError = %+.80v, want %+.80v", name, got, tc.want)
				}
			}
		})
	}
}
