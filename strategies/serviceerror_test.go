package strategies

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestParseServiceError: the default reader takes the "error" object's
// string code as Code and an integer one as NumericCode; anything else (a
// body that is empty, junk, huge, too deep, or of another shape) gives the
// zero ServiceError.
func TestParseServiceError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want ServiceError
	}{
		{"OData", `{"error":{"code":"InternalServerError","message":"Encountered internal server error."}}`,
			ServiceError{Code: "InternalServerError", Message: "Encountered internal server error."}},
		{"AIP-193: status is not read", `{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}`,
			ServiceError{NumericCode: 404, Message: "not found"}},
		{"negative code", `{"error":{"code":-7}}`, ServiceError{NumericCode: -7}},
		{"18 digits", `{"error":{"code":123456789012345678}}`, ServiceError{NumericCode: 123456789012345678}},
		{"largest int", `{"error":{"code":` + strconv.Itoa(math.MaxInt) + `}}`, ServiceError{NumericCode: math.MaxInt}},
		{"smallest int", `{"error":{"code":` + strconv.Itoa(math.MinInt) + `}}`, ServiceError{NumericCode: math.MinInt}},
		{"past int", `{"error":{"code":99999999999999999999,"message":"m"}}`, ServiceError{Message: "m"}},
		{"fraction", `{"error":{"code":404.5,"message":"m"}}`, ServiceError{Message: "m"}},
		{"exponent", `{"error":{"code":4e2}}`, ServiceError{}},
		{"null code", `{"error":{"code":null,"message":"m"}}`, ServiceError{Message: "m"}},
		{"boolean code", `{"error":{"code":true}}`, ServiceError{}},
		{"error is a string", `{"error":"boom"}`, ServiceError{}},
		{"no error", `{"status":"Failed"}`, ServiceError{}},
		{"escaped name: the slow path", `{"err\u006fr":{"code":503,"message":"busy"}}`, ServiceError{NumericCode: 503, Message: "busy"}},
		{"empty", ``, ServiceError{}},
		{"junk", `<html><body>502 Bad Gateway</body></html>`, ServiceError{}},
		{"truncated", `{"error":{"code":"X","message":"`, ServiceError{}},
		{"huge junk", strings.Repeat("\xff", 1<<20), ServiceError{}},
		{"huge message", `{"error":{"code":"Big","message":"` + strings.Repeat("m", 1<<20) + `"}}`,
			ServiceError{Code: "Big", Message: strings.Repeat("m", 1<<20)}},
		{"too deep", strings.Repeat(`{"error":`, 100_000) + strings.Repeat("}", 100_000), ServiceError{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ParseServiceError([]byte(tc.body)); got != tc.want {
				t.Errorf("ParseServiceError = %+.80v, want %+.80v", got, tc.want)
			}
		})
	}
}

// A strategy's ReadError is asked, through OnHosts too; a strategy without
// one gets ParseServiceError.
func TestReadError(t *testing.T) {
	t.Parallel()
	body := []byte(`{"error":{"code":"Conflict","message":"busy"}}`)
	own := ServiceError{Code: "OWN", NumericCode: 1, Message: "read by the strategy"}
	def := ServiceError{Code: "Conflict", Message: "busy"}
	tests := []struct {
		name string
		s    Strategy
		want ServiceError
	}{
		{"no reader", noCancel{any202{}}, def},
		{"reader", reader{noCancel{any202{}}, own}, own},
		{"scoped, no reader", OnHosts(noCancel{any202{}}, "example.com"), def},
		{"scoped reader", OnHosts(reader{noCancel{any202{}}, own}, "example.com"), own},
		{"scoped reader and canceler", OnHosts(cancelReader{any202{}, own}, "example.com"), own},
	}
	u, _ := url.Parse("https://example.com/ops/1")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := &Response{StatusCode: http.StatusConflict, Body: body, URL: u}
			if got := ReadError(tc.s, &Operation{}, resp); got != tc.want {
				t.Errorf("ReadError = %+v, want %+v", got, tc.want)
			}
		})
	}
	if _, ok := OnHosts(cancelReader{any202{}, own}, "example.com").(Canceler); !ok {
		t.Error("a scoped Canceler that reads errors is no longer a Canceler")
	}
}

// reader is a Strategy whose ReadError says se.
type reader struct {
	Strategy
	se ServiceError
}

func (r reader) ReadError(*Operation, *Response) ServiceError { return r.se }

// cancelReader is any202 (a Canceler) whose ReadError says se.
type cancelReader struct {
	any202
	se ServiceError
}

func (r cancelReader) ReadError(*Operation, *Response) ServiceError { return r.se }
