package lro_test

// Helpers of hooks_test.go, claim_test.go and the token_*_test.go files: a mocked
// service on one httpmock.MockTransport per test.

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro/strategies"
)

// tkAnswer is a responder answering status, body and headers given as
// key/value pairs.
func tkAnswer(status int, body string, kv ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		r.Request = req
		return r, nil
	}
}

// tkSeq answers with rs in order, the last one repeating.
func tkSeq(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		return rs[min(i, len(rs)-1)](req)
	}
}

// tkDecode returns the JSON inside a token (not checking it).
func tkDecode(t *testing.T, tok string) (raw string, op strategies.Operation) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatalf("token is not base64url: %v", err)
	}
	var td struct {
		V  int             `json:"v"`
		Op json.RawMessage `json:"op"`
	}
	if err := json.Unmarshal(b, &td); err != nil {
		t.Fatalf("token is not JSON: %v", err)
	}
	if err := json.Unmarshal(td.Op, &op); err != nil {
		t.Fatalf("token op: %v", err)
	}
	return string(b), op
}

func tkBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

func tkReq(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
