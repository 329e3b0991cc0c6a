package lro_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// tkStart sends req under WithoutPolling and returns the token of its
// response.
func tkStart(t *testing.T, rt http.RoundTripper, req *http.Request) string {
	t.Helper()
	req = req.WithContext(lro.WithoutPolling(req.Context()))
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	tok, err := lro.ResumeToken(resp)
	if err != nil {
		t.Fatalf("ResumeToken: %v", err)
	}
	return tok
}

// tkToken builds a token by hand, as lro makes them, from an op JSON.
func tkToken(v int, op string, sum string) string {
	if sum == "" {
		s := sha256.Sum256([]byte(op))
		sum = hex.EncodeToString(s[:8])
	}
	b, _ := json.Marshal(struct {
		V   int             `json:"v"`
		Op  json.RawMessage `json:"op"`
		Sum string          `json:"sum"`
	}{v, json.RawMessage(op), sum})
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestResumeTokenContents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		status int
		hdr    []string
		body   string
		want   strategies.Operation
	}{
		{"operation-location PUT", http.MethodPut, 201, []string{"Operation-Location", "/ops/1", "Location", "https://svc.test/res/1"}, `{}`,
			strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "https://svc.test/res/1?api-version=1",
				PollURL: "https://svc.test/ops/1", Location: "https://svc.test/res/1", Status: strategies.InProgress}},
		{"azure-async-operation POST", http.MethodPost, 202, []string{"Azure-AsyncOperation", "https://svc.test/aao/1"}, ``,
			strategies.Operation{Strategy: "azure-async-operation", Method: "POST", URL: "https://svc.test/res/1?api-version=1",
				PollURL: "https://svc.test/aao/1", Status: strategies.InProgress}},
		{"location DELETE", http.MethodDelete, 202, []string{"Location", "https://svc.test/status/1"}, ``,
			strategies.Operation{Strategy: "location", Method: "DELETE", URL: "https://svc.test/res/1?api-version=1",
				PollURL: "https://svc.test/status/1", Location: "https://svc.test/status/1", Status: strategies.InProgress}},
		{"body PATCH", http.MethodPatch, 200, nil, `{"properties":{"provisioningState":"Updating"}}`,
			strategies.Operation{Strategy: "body", Method: "PATCH", URL: "https://svc.test/res/1?api-version=1",
				PollURL: "https://svc.test/res/1?api-version=1", Status: strategies.InProgress, ServiceStatus: "Updating"}},
		{"already succeeded", http.MethodPut, 201, []string{"Operation-Location", "https://svc.test/ops/1"}, `{"status":"Succeeded"}`,
			strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "https://svc.test/res/1?api-version=1",
				PollURL: "https://svc.test/ops/1", Status: strategies.Succeeded, ServiceStatus: "Succeeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tt.method, "https://svc.test/res/1", tkAnswer(tt.status, tt.body, tt.hdr...))
			req := tkReq(t, tt.method, "https://svc.test/res/1?api-version=1", `{"secret":"payload"}`)
			req.Header.Set("Authorization", "Bearer s3cr3t-auth")
			req.Header.Set("Cookie", "session=s3cr3t-cookie")
			req.Header.Set("X-Api-Key", "s3cr3t-key")
			req = req.WithContext(lro.WithoutPolling(context.Background()))
			resp, err := (&http.Client{Transport: lro.New(mt)}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := lro.ResumeToken(resp)
			if err != nil {
				t.Fatalf("ResumeToken: %v", err)
			}
			if got := tkBody(t, resp); got != tt.body {
				t.Errorf("body after ResumeToken = %q, want %q", got, tt.body)
			}
			raw, got := tkDecode(t, tok)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("token op:\n got %+v\nwant %+v", got, tt.want)
			}
			for _, secret := range []string{"s3cr3t", "payload", "Authorization", "Cookie"} {
				if strings.Contains(raw, secret) {
					t.Errorf("token holds %q: %s", secret, raw)
				}
			}
			if !strings.HasPrefix(raw, `{"v":1,`) {
				t.Errorf("token is not versioned: %s", raw)
			}
		})
	}
}

func TestResumeTokenNotOperation(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, "https://svc.test/plain", tkAnswer(200, `{"a":1}`))
	mt.RegisterResponder(http.MethodPost, "https://svc.test/noheader", tkAnswer(202, `{}`))
	mt.RegisterResponder(http.MethodPut, "https://svc.test/done", tkAnswer(200, `{"properties":{"provisioningState":"Succeeded"}}`))
	c := &http.Client{Transport: mt}
	for _, tc := range []struct{ method, url string }{
		{http.MethodGet, "https://svc.test/plain"},
		{http.MethodPost, "https://svc.test/noheader"},
		{http.MethodPut, "https://svc.test/done"},
	} {
		resp, err := c.Do(tkReq(t, tc.method, tc.url, ""))
		if err != nil {
			t.Fatal(err)
		}
		_, err = lro.ResumeToken(resp)
		if !errors.Is(err, lro.ErrNotOperation) {
			t.Errorf("%s %s: ResumeToken err = %v, want ErrNotOperation", tc.method, tc.url, err)
		}
		resp.Body.Close()
	}
	for _, resp := range []*http.Response{nil, {StatusCode: 202}} {
		if _, err := lro.ResumeToken(resp); !errors.Is(err, lro.ErrNotOperation) {
			t.Errorf("ResumeToken(%v) err = %v, want ErrNotOperation", resp, err)
		}
	}
}

func TestInvalidTokens(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1"))
	good := tkStart(t, mt, tkReq(t, http.MethodPost, "https://svc.test/res/1", ""))
	goodJSON, _ := base64.RawURLEncoding.DecodeString(good)
	var td struct {
		Op  json.RawMessage `json:"op"`
		Sum string          `json:"sum"`
	}
	if err := json.Unmarshal(goodJSON, &td); err != nil {
		t.Fatal(err)
	}
	op := string(td.Op)
	tampered := strings.Replace(op, "ops/1", "ops/2", 1)

	tests := []struct {
		name, tok, want string
	}{
		{"empty", "", "not JSON"},
		{"garbage", "%%% not a token %%%", "not base64url"},
		{"padded base64", base64.URLEncoding.EncodeToString([]byte(`{"v":1}`)), "not base64url"},
		{"not JSON", base64.RawURLEncoding.EncodeToString([]byte("hello")), "not JSON"},
		{"JSON array", base64.RawURLEncoding.EncodeToString([]byte("[1,2]")), "not JSON"},
		{"no version", base64.RawURLEncoding.EncodeToString([]byte(`{}`)), "unsupported version 0"},
		{"future version", tkToken(2, op, ""), "unsupported version 2"},
		{"tampered op", tkToken(1, tampered, td.Sum), "checksum mismatch"},
		{"tampered checksum", tkToken(1, op, "0000000000000000"), "checksum mismatch"},
		{"oversize", strings.Repeat("A", 8<<20), "longer than"},
		{"op not an object", tkToken(1, `"x"`, ""), "bad operation"},
		{"no strategy", tkToken(1, `{"method":"GET","url":"https://svc.test/","status":"InProgress"}`, ""), "no strategy"},
		{"no method", tkToken(1, `{"strategy":"location","url":"https://svc.test/","status":"InProgress"}`, ""), "no method"},
		{"unknown status", tkToken(1, `{"strategy":"location","method":"POST","url":"https://svc.test/","status":"Weird"}`, ""), "unknown status"},
		{"bad URL scheme", tkToken(1, `{"strategy":"location","method":"POST","url":"file:///etc/passwd","status":"InProgress"}`, ""), "scheme"},
		{"bad poll URL", tkToken(1, `{"strategy":"location","method":"POST","url":"https://svc.test/","pollURL":"/relative","status":"InProgress"}`, ""), "pollURL"},
		{"unknown strategy", tkToken(1, `{"strategy":"mine","method":"POST","url":"https://svc.test/","status":"InProgress"}`, ""), `strategy "mine" is not in the transport's chain`},
	}
	tr := lro.New(mt)
	calls := map[string]func(string) error{
		"Resume": func(tok string) error { _, err := tr.Resume(context.Background(), tok); return err },
		"Poll":   func(tok string) error { _, err := tr.Poll(context.Background(), tok); return err },
		"Cancel": func(tok string) error { return tr.Cancel(context.Background(), tok) },
	}
	for _, tt := range tests {
		for name, call := range calls {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				err := call(tt.tok)
				if !errors.Is(err, lro.ErrInvalidToken) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v, want ErrInvalidToken mentioning %q", err, tt.want)
				}
			})
		}
	}
}

// Any damage to a token is an error (or, rarely, still a token), never a
// panic.
func TestDamagedTokensNeverPanic(t *testing.T) {
	t.Parallel()
	// A live service: the good token polls and resumes without error, so
	// every error below comes from the token's check, not the service.
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPut, "https://svc.test/res/1", tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, `{"status":"Succeeded"}`))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", tkAnswer(200, `{"id":"1"}`))
	mt.RegisterNoResponder(tkAnswer(500, ``))
	good := tkStart(t, mt, tkReq(t, http.MethodPut, "https://svc.test/res/1", ""))
	tr := lro.New(mt, lro.WithMaxRetries(0))
	ctx := context.Background()
	if _, err := tr.Poll(ctx, good); err != nil {
		t.Fatalf("good token: Poll: %v", err)
	}
	resp, err := tr.Resume(ctx, good)
	if err != nil {
		t.Fatalf("good token: Resume: %v", err)
	}
	resp.Body.Close()
	goodRaw, err := base64.RawURLEncoding.DecodeString(good)
	if err != nil {
		t.Fatal(err)
	}

	alphabet := "AZaz09-_=.+/ "
	damaged := 0
	for i := range len(good) {
		for _, c := range []byte(alphabet) {
			tok := good[:i] + string(c) + good[i+1:]
			if tok == good {
				continue
			}
			// A last character that differs only in bits base64 drops
			// decodes to the same token: it is not damaged.
			if raw, err := base64.RawURLEncoding.DecodeString(tok); err == nil && string(raw) == string(goodRaw) {
				continue
			}
			damaged++
			if _, err := tr.Poll(ctx, tok); !errors.Is(err, lro.ErrInvalidToken) {
				t.Fatalf("damaged token %q: Poll err = %v, want ErrInvalidToken", tok, err)
			}
		}
		if _, err := tr.Resume(ctx, good[:i]); !errors.Is(err, lro.ErrInvalidToken) {
			t.Fatalf("truncated token %q: Resume err = %v, want ErrInvalidToken", good[:i], err)
		}
	}
	if damaged < len(good)*(len(alphabet)-2) {
		t.Fatalf("only %d damaged tokens tried for a %d-character token", damaged, len(good))
	}
}
