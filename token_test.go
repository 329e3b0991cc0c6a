package lro_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/location"
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

// A token resumes from a fresh Transport (as another process would), with
// the same final-result rules as RoundTrip.
func TestResumeFromAnotherTransport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		initial    httpmock.Responder
		polls      httpmock.Responder
		wantStatus int
		wantBody   string
		wantReqs   []string
	}{
		{"operation-location PUT gets the resource", http.MethodPut,
			tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"),
			tkSeq(tkAnswer(200, `{"status":"Running"}`), tkAnswer(200, `{"status":"Succeeded"}`)),
			200, `{"name":"res1"}`,
			[]string{"PUT https://svc.test/res/1", "GET https://svc.test/ops/1", "GET https://svc.test/ops/1", "GET https://svc.test/res/1"}},
		{"location POST ends on the status URL", http.MethodPost,
			tkAnswer(202, ``, "Location", "https://svc.test/ops/1"),
			tkSeq(tkAnswer(202, ``), tkAnswer(200, `{"result":"done"}`)),
			200, `{"result":"done"}`,
			[]string{"POST https://svc.test/res/1", "GET https://svc.test/ops/1", "GET https://svc.test/ops/1"}},
		{"operation-location DELETE has no final GET", http.MethodDelete,
			tkAnswer(202, ``, "Operation-Location", "https://svc.test/ops/1"),
			tkAnswer(200, `{"status":"Succeeded"}`),
			200, `{"status":"Succeeded"}`,
			[]string{"DELETE https://svc.test/res/1", "GET https://svc.test/ops/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec tkRecorder
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tt.method, "https://svc.test/res/1", rec.wrap(tt.initial))
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", rec.wrap(tt.polls))
			mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", rec.wrap(tkAnswer(200, `{"name":"res1"}`)))

			tok := tkStart(t, lro.New(mt), tkReq(t, tt.method, "https://svc.test/res/1", ""))
			stored := string([]byte(tok)) // as if saved to disk

			resp, err := lro.New(mt, lro.WithPollInterval(time.Millisecond)).Resume(context.Background(), stored)
			if err != nil {
				t.Fatalf("Resume: %v", err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := tkBody(t, resp); got != tt.wantBody {
				t.Errorf("body = %s, want %s", got, tt.wantBody)
			}
			if got := rec.lines(); !reflect.DeepEqual(got, tt.wantReqs) {
				t.Errorf("requests:\n got %q\nwant %q", got, tt.wantReqs)
			}
		})
	}
}

// Resume sends no header of the original request: credentials must come
// from the base transport.
func TestResumeSendsNoOriginalHeaders(t *testing.T) {
	t.Parallel()
	var rec tkRecorder
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", rec.wrap(tkAnswer(200, `{}`)))
	req := tkReq(t, http.MethodPost, "https://svc.test/res/1", "")
	req.Header.Set("Authorization", "Bearer x")
	tok := tkStart(t, mt, req)
	resp, err := lro.New(mt).Resume(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := rec.reqs[0].Header.Get("Authorization"); got != "" {
		t.Errorf("resumed poll carries Authorization %q", got)
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
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPut, "https://svc.test/res/1", tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"))
	mt.RegisterNoResponder(tkAnswer(500, ``))
	good := tkStart(t, mt, tkReq(t, http.MethodPut, "https://svc.test/res/1", ""))
	tr := lro.New(mt, lro.WithMaxRetries(0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no request needs to complete
	alphabet := "AZaz09-_=.+/ "
	for i := range len(good) {
		for _, c := range []byte(alphabet) {
			tok := good[:i] + string(c) + good[i+1:]
			if tok == good {
				continue
			}
			_, err := tr.Poll(ctx, tok)
			if err == nil {
				t.Fatalf("damaged token %q polled without error", tok)
			}
		}
		if _, err := tr.Resume(ctx, good[:i]); err == nil {
			t.Fatalf("truncated token %q resumed without error", good[:i])
		}
	}
}

func TestPollStepByStep(t *testing.T) {
	t.Parallel()
	type step struct {
		status strategies.Status
		done   bool
		body   string // of the final response, when done
		err    string // error type, if any
	}
	tests := []struct {
		name    string
		method  string
		initial httpmock.Responder
		polls   httpmock.Responder
		steps   []step
	}{
		{"operation-location PUT: Succeeded, then the final GET", http.MethodPut,
			tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"),
			tkSeq(tkAnswer(200, `{"status":"Running"}`, "Retry-After", "7"), tkAnswer(200, `{"status":"Succeeded"}`)),
			[]step{{status: strategies.InProgress}, {status: strategies.Succeeded}, {status: strategies.Succeeded, done: true, body: `{"name":"res1"}`}}},
		{"location POST: done on the last poll", http.MethodPost,
			tkAnswer(202, ``, "Location", "https://svc.test/ops/1"),
			tkSeq(tkAnswer(202, ``), tkAnswer(200, `{"result":"done"}`)),
			[]step{{status: strategies.InProgress}, {status: strategies.Succeeded, done: true, body: `{"result":"done"}`}}},
		{"failed", http.MethodPost,
			tkAnswer(202, ``, "Operation-Location", "https://svc.test/ops/1"),
			tkAnswer(200, `{"status":"Failed","error":{"code":"E"}}`),
			[]step{{status: strategies.Failed, done: true, err: "*lro.OperationError"}}},
		{"poll answers 400", http.MethodPost,
			tkAnswer(202, ``, "Operation-Location", "https://svc.test/ops/1"),
			tkAnswer(400, `{"error":{"code":"Bad"}}`),
			[]step{{status: strategies.InProgress, err: "*lro.ResponseError"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tt.method, "https://svc.test/res/1", tt.initial)
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tt.polls)
			mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", tkAnswer(200, `{"name":"res1"}`))
			tok := tkStart(t, mt, tkReq(t, tt.method, "https://svc.test/res/1", ""))
			tr := lro.New(mt, lro.WithPollInterval(3*time.Second))
			for i, want := range tt.steps {
				before := mt.GetTotalCallCount()
				res, err := tr.Poll(context.Background(), tok)
				if n := mt.GetTotalCallCount() - before; n != 1 {
					t.Errorf("step %d sent %d requests, want 1", i+1, n)
				}
				if got := fmt.Sprintf("%T", err); want.err != "" && got != want.err {
					t.Fatalf("step %d: err = %v (%s), want %s", i+1, err, got, want.err)
				} else if want.err == "" && err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				if res.Status != want.status || res.Done != want.done {
					t.Errorf("step %d: status %s done %t, want %s %t", i+1, res.Status, res.Done, want.status, want.done)
				}
				if res.Token == "" {
					t.Errorf("step %d: no token", i+1)
				}
				if want.done && want.err == "" {
					if got := tkBody(t, res.Response); got != want.body {
						t.Errorf("step %d: body %s, want %s", i+1, got, want.body)
					}
				} else if res.Response != nil {
					t.Errorf("step %d: Response set before Done", i+1)
				}
				if !want.done && want.err == "" && i == 0 && tt.method == http.MethodPut {
					if res.Next != 7*time.Second {
						t.Errorf("step %d: Next = %v, want the Retry-After 7s", i+1, res.Next)
					}
				} else if !want.done && want.err == "" && res.Next != 3*time.Second {
					t.Errorf("step %d: Next = %v, want the poll interval 3s", i+1, res.Next)
				}
				tok = res.Token
			}
		})
	}
}

// tkCanceler is the Location strategy plus a cancel endpoint.
type tkCanceler struct {
	*location.Strategy
	method string
}

func (c tkCanceler) CancelRequest(op *strategies.Operation) (string, string, error) {
	if op.Status.Terminal() {
		return "", "", errors.New("already over")
	}
	return c.method, op.PollURL + "/cancel", nil
}

func TestCancel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		strategy  strategies.Strategy
		answer    int
		wantErr   error
		wantType  string
		wantCalls int
	}{
		{"accepted", tkCanceler{location.New(), http.MethodPost}, 202, nil, "", 1},
		{"DELETE accepted", tkCanceler{location.New(), http.MethodDelete}, 204, nil, "", 1},
		{"refused", tkCanceler{location.New(), http.MethodPost}, 409, nil, "*lro.ResponseError", 1},
		{"not supported", location.New(), 202, lro.ErrCancelNotSupported, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1"))
			var rec tkRecorder
			mt.RegisterResponder(http.MethodPost, "https://svc.test/ops/1/cancel", rec.wrap(tkAnswer(tt.answer, `{"error":{"code":"Conflict"}}`)))
			mt.RegisterResponder(http.MethodDelete, "https://svc.test/ops/1/cancel", rec.wrap(tkAnswer(tt.answer, ``)))
			tr := lro.New(mt, lro.WithStrategies(tt.strategy))
			tok := tkStart(t, tr, tkReq(t, http.MethodPost, "https://svc.test/res/1", "").
				WithContext(lro.WithOptions(context.Background(), lro.WithStrategies(tt.strategy))))
			err := tr.Cancel(context.Background(), tok)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.wantType != "":
				var re *lro.ResponseError
				if !errors.As(err, &re) || re.Phase != "cancel" || re.StatusCode != tt.answer || re.Token != tok {
					t.Errorf("err = %#v, want a cancel ResponseError with the token", err)
				}
			case err != nil:
				t.Errorf("Cancel: %v", err)
			}
			if got := len(rec.reqs); got != tt.wantCalls {
				t.Errorf("cancel requests = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

// Every error that leaves an operation unfinished carries a token that
// resumes it, through the *url.Error http.Client wraps it in.
func TestTokensOnErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		polls    func(cancel context.CancelFunc) httpmock.Responder
		wantType string
		wantIs   error
	}{
		{"OperationError", func(context.CancelFunc) httpmock.Responder {
			return tkAnswer(200, `{"status":"Failed"}`)
		}, "*lro.OperationError", nil},
		{"ResponseError", func(context.CancelFunc) httpmock.Responder {
			return tkAnswer(400, `{"error":{"code":"Bad"}}`)
		}, "*lro.ResponseError", nil},
		{"PollError on connection failure", func(context.CancelFunc) httpmock.Responder {
			return httpmock.ConnectionFailure
		}, "*lro.PollError", nil},
		{"PollError on bad status body", func(context.CancelFunc) httpmock.Responder {
			return tkAnswer(200, `not json`)
		}, "*lro.PollError", strategies.ErrInvalidBody},
		{"context canceled mid-operation", func(cancel context.CancelFunc) httpmock.Responder {
			return func(req *http.Request) (*http.Response, error) {
				cancel()
				return tkAnswer(200, `{"status":"Running"}`)(req)
			}
		}, "*lro.PollError", context.Canceled},
		{"max wait", func(context.CancelFunc) httpmock.Responder {
			return tkAnswer(200, `{"status":"Running"}`, "Retry-After", "60")
		}, "*lro.PollError", lro.ErrMaxWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPut, "https://svc.test/res/1", tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"))
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tt.polls(cancel))
			c := &http.Client{Transport: lro.New(mt, lro.WithPollInterval(time.Millisecond), lro.WithMaxRetries(0),
				lro.WithMaxWait(time.Second))}
			req := tkReq(t, http.MethodPut, "https://svc.test/res/1", `{}`)
			req.Header.Set("Authorization", "Bearer s3cr3t")
			_, err := c.Do(req.WithContext(ctx))
			var ue *url.Error
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want it wrapped in *url.Error", err)
			}
			if got := fmt.Sprintf("%T", ue.Err); got != tt.wantType {
				t.Errorf("error type = %s (%v), want %s", got, err, tt.wantType)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.wantIs)
			}
			tok, ok := lro.TokenFromError(err)
			if !ok {
				t.Fatalf("no token in %v", err)
			}
			raw, op := tkDecode(t, tok)
			if strings.Contains(raw, "s3cr3t") {
				t.Errorf("token holds the credential: %s", raw)
			}
			if op.PollURL != "https://svc.test/ops/1" || op.Method != http.MethodPut {
				t.Errorf("token op = %+v", op)
			}

			// The service recovers: the token finishes the operation.
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, `{"status":"Succeeded"}`))
			mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", tkAnswer(200, `{"name":"res1"}`))
			resp, err := lro.New(mt).Resume(context.Background(), tok)
			if err != nil {
				t.Fatalf("Resume: %v", err)
			}
			if got := tkBody(t, resp); got != `{"name":"res1"}` {
				t.Errorf("resumed body = %s", got)
			}
		})
	}
}

func TestTokenFromErrorNone(t *testing.T) {
	t.Parallel()
	for _, err := range []error{nil, errors.New("x"), &lro.PollError{Err: errors.New("x")}, &url.Error{Op: "Get", URL: "u", Err: errors.New("x")}} {
		if tok, ok := lro.TokenFromError(err); ok || tok != "" {
			t.Errorf("TokenFromError(%v) = %q, %t; want none", err, tok, ok)
		}
	}
}

// tkCounting is the Location strategy keeping its own state in
// Operation.Data: how many polls it read, and a label from Start.
type tkCounting struct{ *location.Strategy }

type tkState struct {
	Label string `json:"label"`
	Polls int    `json:"polls"`
}

func (tkCounting) Name() string { return "counting" }

func (s tkCounting) Start(init *strategies.Initial) (*strategies.Operation, error) {
	op, err := s.Strategy.Start(init)
	if op == nil {
		return op, err
	}
	op.Strategy = s.Name()
	op.Data, _ = json.Marshal(tkState{Label: init.Response.Header.Get("X-Label")})
	return op, nil
}

func (s tkCounting) Update(op *strategies.Operation, resp *strategies.Response) error {
	var st tkState
	if err := json.Unmarshal(op.Data, &st); err != nil {
		return err
	}
	st.Polls++
	op.Data, _ = json.Marshal(st)
	return s.Strategy.Update(op, resp)
}

func TestCustomStrategyData(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1", "X-Label", "mine"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkSeq(tkAnswer(202, ``), tkAnswer(202, ``), tkAnswer(200, `{}`)))
	s := tkCounting{location.New()}
	ctx := lro.WithOptions(context.Background(), lro.WithStrategies(s))
	tok := tkStart(t, mt, tkReq(t, http.MethodPost, "https://svc.test/res/1", "").WithContext(ctx))
	if _, op := tkDecode(t, tok); op.Strategy != "counting" || string(op.Data) != `{"label":"mine","polls":0}` {
		t.Fatalf("initial token op = %+v (data %s)", op, op.Data)
	}

	tr := lro.New(mt, lro.WithStrategies(s)) // another process
	res, err := tr.Poll(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, op := tkDecode(t, res.Token); string(op.Data) != `{"label":"mine","polls":1}` {
		t.Errorf("after one Poll, data = %s", op.Data)
	}
	var data []string
	ctx = lro.WithOptions(context.Background(), lro.WithPollInterval(time.Millisecond), lro.WithHooks(lro.Hooks{
		Done: func(lro.DoneInfo) {},
		Polled: func(i lro.PollInfo) {
			data = append(data, i.ServiceStatus)
		},
		Started: func(i lro.StartInfo) {
			_, op := tkDecode(t, i.Token)
			data = append(data, string(op.Data))
		},
	}))
	resp, err := tr.Resume(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(data) == 0 || data[0] != `{"label":"mine","polls":1}` {
		t.Errorf("Resume started from data %q", data)
	}
	// A transport without the strategy refuses the token.
	if _, err := lro.New(mt).Resume(context.Background(), tok); !errors.Is(err, lro.ErrInvalidToken) {
		t.Errorf("Resume without the strategy: err = %v, want ErrInvalidToken", err)
	}
}
