package lro

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro/strategies"
)

// decodeToken(encodeToken(op, st)) is op and st, for every field a token
// holds.
func TestTokenRoundTrip(t *testing.T) {
	t.Parallel()
	since := time.UnixMilli(1764622677123)
	tests := []struct {
		name string
		op   strategies.Operation
		st   tokenState
	}{
		{"minimal", strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/a", Status: strategies.InProgress}, tokenState{}},
		{"every field", strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "https://svc.test/res/1?api-version=2024-01-01",
			PollURL: "https://other.test/ops/1?x=%2F&y=é", Location: "https://svc.test/res/1", ResultURL: "https://svc.test/results/1",
			FinalStateVia: "location", Status: strategies.Succeeded, ServiceStatus: "succeeded",
			Data: json.RawMessage(`{"fileID":"f1","n":[1,2,3]}`)}, tokenState{visible: true}},
		{"failed", strategies.Operation{Strategy: "body", Method: "PATCH", URL: "http://svc.test/r", PollURL: "http://svc.test/r",
			Status: strategies.Failed, ServiceStatus: "Failed"}, tokenState{}},
		{"canceled", strategies.Operation{Strategy: "x", Method: "DELETE", URL: "https://svc.test/r", Status: strategies.Canceled}, tokenState{}},
		{"large URL", strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/" + strings.Repeat("a", 6000),
			PollURL: "https://svc.test/" + strings.Repeat("b", 6000), Status: strategies.InProgress}, tokenState{}},
		{"not found since", strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/a",
			PollURL: "https://svc.test/ops/1", Status: strategies.InProgress}, tokenState{notFoundSince: since}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := encodeToken(&tt.op, tt.st)
			if err != nil {
				t.Fatal(err)
			}
			got, st, err := decodeToken(tok)
			if err != nil {
				t.Fatalf("decodeToken: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.op) || !reflect.DeepEqual(st, tt.st) {
				t.Errorf("round trip:\n got %+v %+v\nwant %+v %+v", *got, st, tt.op, tt.st)
			}
			tok2, err := encodeToken(got, st)
			if err != nil || tok2 != tok {
				t.Errorf("encode(decode(tok)) = %q, %v; want the same token", tok2, err)
			}
		})
	}
}

// v1Token builds a token as lro did before tokens held the not-found
// grace's state: the checksum over the Operation's own JSON.
func v1Token(t *testing.T, op *strategies.Operation) string {
	t.Helper()
	opJSON, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(opJSON)
	b, err := json.Marshal(struct {
		V   int             `json:"v"`
		Op  json.RawMessage `json:"op"`
		Sum string          `json:"sum"`
	}{1, opJSON, hex.EncodeToString(sum[:8])})
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// A token without grace state is, byte for byte, the token lro made before
// the state existed, and decodes to the zero state; the state is covered by
// the checksum; a state that cannot be is refused; and its JSON names are
// none of strategies.Operation's.
func TestTokenGraceState(t *testing.T) {
	t.Parallel()
	op := strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/a",
		PollURL: "https://svc.test/ops/1", Status: strategies.InProgress, Data: json.RawMessage(`{"k":1}`)}
	old := v1Token(t, &op)
	if tok, err := encodeToken(&op, tokenState{}); err != nil || tok != old {
		t.Errorf("encodeToken(op, zero state) = %q, %v; want the v1 token %q", tok, err, old)
	}
	if _, st, err := decodeToken(old); err != nil || st != (tokenState{}) {
		t.Errorf("decodeToken(v1 token) state %+v, %v; want the zero state", st, err)
	}

	opJSON, _ := json.Marshal(op)
	var keys map[string]any
	if err := json.Unmarshal(opJSON, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"visible", "notFoundSince"} {
		if _, ok := keys[k]; ok {
			t.Errorf("strategies.Operation has JSON field %q, which tokenOp uses", k)
		}
	}

	// tamper re-encodes the token's op with edit applied, keeping (or
	// recomputing) the sum.
	tamper := func(tok string, edit func(map[string]any), resum bool) string {
		b, _ := base64.RawURLEncoding.DecodeString(tok)
		var td struct {
			V   int            `json:"v"`
			Op  map[string]any `json:"op"`
			Sum string         `json:"sum"`
		}
		if err := json.Unmarshal(b, &td); err != nil {
			t.Fatal(err)
		}
		edit(td.Op)
		opJSON, _ := json.Marshal(td.Op)
		if resum {
			s := sha256.Sum256(opJSON)
			td.Sum = hex.EncodeToString(s[:8])
		}
		b, _ = json.Marshal(map[string]any{"v": td.V, "op": json.RawMessage(opJSON), "sum": td.Sum})
		return base64.RawURLEncoding.EncodeToString(b)
	}
	since, _ := encodeToken(&op, tokenState{notFoundSince: time.UnixMilli(1764622677123)})
	tests := []struct {
		name string
		tok  string
		want string // in the error, or "" for none
		st   tokenState
	}{
		{"visible added, sum kept", tamper(old, func(m map[string]any) { m["visible"] = true }, false), "checksum mismatch", tokenState{}},
		{"notFoundSince dropped, sum kept", tamper(since, func(m map[string]any) { delete(m, "notFoundSince") }, false), "checksum mismatch", tokenState{}},
		{"notFoundSince moved, sum kept", tamper(since, func(m map[string]any) { m["notFoundSince"] = 1764622699999 }, false), "checksum mismatch", tokenState{}},
		{"negative notFoundSince", tamper(old, func(m map[string]any) { m["notFoundSince"] = -5 }, true), "negative notFoundSince", tokenState{}},
		{"notFoundSince not a number", tamper(old, func(m map[string]any) { m["notFoundSince"] = "soon" }, true), "bad operation", tokenState{}},
		{"visible wins over notFoundSince", tamper(since, func(m map[string]any) { m["visible"] = true }, true), "", tokenState{visible: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, st, err := decodeToken(tt.tok)
			switch {
			case tt.want == "" && (err != nil || st != tt.st):
				t.Errorf("decodeToken = %+v, %v; want %+v", st, err, tt.st)
			case tt.want != "" && (!errors.Is(err, ErrInvalidToken) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("decodeToken err = %v; want ErrInvalidToken saying %q", err, tt.want)
			}
		})
	}
}

func TestEncodeTokenInvalidData(t *testing.T) {
	t.Parallel()
	op := strategies.Operation{Strategy: "x", Method: "POST", URL: "https://svc.test/", Status: strategies.InProgress,
		Data: json.RawMessage(`{not json`)}
	if _, err := encodeToken(&op, tokenState{}); err == nil {
		t.Error("encodeToken accepted invalid Data")
	}
	if _, _, err := decodeToken(strings.Repeat("x", maxTokenLen+1)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("oversize token: err = %v", err)
	}
}

func FuzzDecodeToken(f *testing.F) {
	tok, _ := encodeToken(&strategies.Operation{Strategy: "location", Method: "POST", URL: "https://svc.test/a",
		PollURL: "https://svc.test/ops/1", Status: strategies.InProgress, Data: json.RawMessage(`{"a":1}`)}, tokenState{})
	f.Add(tok)
	f.Add("")
	f.Add("eyJ2IjoxfQ")
	f.Fuzz(func(t *testing.T, s string) {
		op, st, err := decodeToken(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v does not wrap ErrInvalidToken", err)
			}
			return
		}
		if _, err := encodeToken(op, st); err != nil {
			t.Fatalf("decoded token does not encode: %v", err)
		}
	})
}
