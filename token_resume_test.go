package lro_test

import (
	"context"
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
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/location"
)

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
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tt.method, "https://svc.test/res/1", tt.initial)
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tt.polls)
			mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", tkAnswer(200, `{"name":"res1"}`))
			rec := &lrotest.Recorder{Base: mt}

			tok := tkStart(t, lro.New(rec), tkReq(t, tt.method, "https://svc.test/res/1", ""))
			stored := string([]byte(tok)) // as if saved to disk

			resp, err := lro.New(rec, lro.WithPollInterval(time.Millisecond)).Resume(context.Background(), stored)
			if err != nil {
				t.Fatalf("Resume: %v", err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := tkBody(t, resp); got != tt.wantBody {
				t.Errorf("body = %s, want %s", got, tt.wantBody)
			}
			if got := rec.Lines(); !reflect.DeepEqual(got, tt.wantReqs) {
				t.Errorf("requests:\n got %q\nwant %q", got, tt.wantReqs)
			}
			if err := rec.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}

// Resume sends no header of the original request: credentials must come
// from the base transport.
func TestResumeSendsNoOriginalHeaders(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, `{}`))
	rec := &lrotest.Recorder{Base: mt}
	req := tkReq(t, http.MethodPost, "https://svc.test/res/1", "")
	req.Header.Set("Authorization", "Bearer x")
	tok := tkStart(t, mt, req)
	resp, err := lro.New(rec).Resume(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sent := rec.Sent()
	if len(sent) != 1 || sent[0].Method != http.MethodGet || sent[0].URL.String() != "https://svc.test/ops/1" {
		t.Fatalf("sent %v, want one poll of https://svc.test/ops/1", sent)
	}
	if got := sent[0].Header.Get("Authorization"); got != "" {
		t.Errorf("resumed poll carries Authorization %q", got)
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
