package lro

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

// decodeToken(encodeToken(op)) is op, for every field a token holds.
func TestTokenRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		op   strategies.Operation
	}{
		{"minimal", strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/a", Status: strategies.InProgress}},
		{"every field", strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "https://svc.test/res/1?api-version=2024-01-01",
			PollURL: "https://other.test/ops/1?x=%2F&y=é", Location: "https://svc.test/res/1", ResultURL: "https://svc.test/results/1",
			FinalStateVia: "location", Status: strategies.Succeeded, ServiceStatus: "succeeded",
			Data: json.RawMessage(`{"fileID":"f1","n":[1,2,3]}`)}},
		{"failed", strategies.Operation{Strategy: "body", Method: "PATCH", URL: "http://svc.test/r", PollURL: "http://svc.test/r",
			Status: strategies.Failed, ServiceStatus: "Failed"}},
		{"canceled", strategies.Operation{Strategy: "x", Method: "DELETE", URL: "https://svc.test/r", Status: strategies.Canceled}},
		{"large URL", strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/" + strings.Repeat("a", 6000),
			PollURL: "https://svc.test/" + strings.Repeat("b", 6000), Status: strategies.InProgress}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := encodeToken(&tt.op)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeToken(tok)
			if err != nil {
				t.Fatalf("decodeToken: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.op) {
				t.Errorf("round trip:\n got %+v\nwant %+v", *got, tt.op)
			}
			tok2, err := encodeToken(got)
			if err != nil || tok2 != tok {
				t.Errorf("encode(decode(tok)) = %q, %v; want the same token", tok2, err)
			}
		})
	}
}

func TestEncodeTokenInvalidData(t *testing.T) {
	t.Parallel()
	op := strategies.Operation{Strategy: "x", Method: "POST", URL: "https://svc.test/", Status: strategies.InProgress,
		Data: json.RawMessage(`{not json`)}
	if _, err := encodeToken(&op); err == nil {
		t.Error("encodeToken accepted invalid Data")
	}
	if _, err := decodeToken(strings.Repeat("x", maxTokenLen+1)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("oversize token: err = %v", err)
	}
}

func FuzzDecodeToken(f *testing.F) {
	tok, _ := encodeToken(&strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/a",
		PollURL: "https://svc.test/ops/1", Status: strategies.InProgress, Data: json.RawMessage(`{"a":1}`)})
	f.Add(tok)
	f.Add("")
	f.Add("eyJ2IjoxfQ")
	f.Fuzz(func(t *testing.T, s string) {
		op, err := decodeToken(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v does not wrap ErrInvalidToken", err)
			}
			return
		}
		if _, err := encodeToken(op); err != nil {
			t.Fatalf("decoded token does not encode: %v", err)
		}
	})
}
