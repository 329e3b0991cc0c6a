package lro_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/google"
	"github.com/lrohttp/lro/strategies/rules"
)

// A ResponseError carries the service's error as the operation's strategy
// reads it: Google's AIP-193 status word and numeric code, every other
// built-in strategy's "error" object as before. A body that is junk, huge
// or empty gives a ResponseError without a code.
func TestResponseErrorReadsTheStrategysError(t *testing.T) {
	t.Parallel()
	const (
		gapi  = "https://library.googleapis.com/v1/shelves"
		gpoll = "https://library.googleapis.com/v1/operations/op1"
		gop   = `{"name":"operations/op1","done":false}`
		res   = "https://svc.test/res/1"
		ops   = "https://svc.test/ops/1"
	)
	odata500 := `{"error":{"code":"InternalServerError","message":"Encountered internal server error."}}`
	wantOData500 := lro.ResponseError{Code: "InternalServerError", Message: "Encountered internal server error."}
	rule, err := rules.New(rules.Rule{
		Name:   "server",
		Start:  rules.Start{StatusCodes: []int{202}, Hosts: []string{"svc.test"}, Header: "Location"},
		Poll:   rules.Poll{Header: "Location"},
		Status: rules.Status{Field: "/status", Success: []string{"ACTIVE"}, Failure: []string{"ERROR"}},
		Error:  rules.Error{Code: "/fault/code", Message: "/fault/message"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		chain   []strategies.Strategy // nil: the default chain
		opts    []lro.Option
		method  string
		url     string
		initial httpmock.Responder
		poll    string
		polls   httpmock.Responder
		want    lro.ResponseError // Phase, Code, NumericCode, Message
		message string            // a regular expression matching the whole message
	}{
		{
			name: "Google operation, default chain: poll 404 after the grace", method: http.MethodPost, url: gapi,
			initial: tkAnswer(200, gop), poll: gpoll,
			polls: tkAnswer(404, `{"error":{"code":404,"message":"Operation operations/op1 not found.","status":"NOT_FOUND"}}`),
			opts:  []lro.Option{lro.WithNotFoundGrace(time.Millisecond)},
			want:  lro.ResponseError{Phase: "poll", Code: "NOT_FOUND", NumericCode: 404, Message: "Operation operations/op1 not found."},
			message: `^lro: GET https://library\.googleapis\.com/v1/operations/op1 answered 404 Not Found: ` +
				`still not found when the not-found grace \(1ms\) ran out: NOT_FOUND: Operation operations/op1 not found\.$`,
		},
		{
			name: "Google operation in a chain by hand: poll 403", method: http.MethodPost, url: "https://svc.test/v1/things",
			chain:   append(lro.DefaultStrategies(), google.Operations()),
			initial: tkAnswer(200, gop), poll: "https://svc.test/v1/operations/op1",
			polls: tkAnswer(403, `{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`),
			want:  lro.ResponseError{Phase: "poll", Code: "PERMISSION_DENIED", NumericCode: 403, Message: "The caller does not have permission"},
		},
		{
			name: "Compute operation: poll 500 past the retries", method: http.MethodPost,
			url: "https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances",
			initial: tkAnswer(200, `{"kind":"compute#operation","status":"RUNNING",`+
				`"selfLink":"https://compute.googleapis.com/compute/v1/projects/p/zones/z/operations/op1"}`),
			poll:  "https://compute.googleapis.com/compute/v1/projects/p/zones/z/operations/op1",
			polls: tkAnswer(500, `{"error":{"code":500,"message":"Internal error.","errors":[{"reason":"backendError"}]}}`),
			opts:  []lro.Option{lro.WithMaxRetries(0)},
			want:  lro.ResponseError{Phase: "poll", Code: "backendError", NumericCode: 500, Message: "Internal error."},
		},
		{
			name: "Azure-AsyncOperation: poll 500", method: http.MethodPut, url: res,
			initial: tkAnswer(201, `{}`, "Azure-AsyncOperation", ops), poll: ops,
			polls: tkAnswer(500, odata500), opts: []lro.Option{lro.WithMaxRetries(0)},
			want: wantOData500,
			message: `^lro: GET https://svc\.test/ops/1 answered 500 Internal Server Error \(retries exhausted\): ` +
				`InternalServerError: Encountered internal server error\.$`,
		},
		{
			name: "Operation-Location: poll 409", method: http.MethodPost, url: res,
			initial: tkAnswer(202, ``, "Operation-Location", ops), poll: ops,
			polls: tkAnswer(409, `{"error":{"code":"Conflict","message":"busy"}}`),
			want:  lro.ResponseError{Code: "Conflict", Message: "busy"},
		},
		{
			name: "Location: poll 500", method: http.MethodPost, url: res,
			initial: tkAnswer(202, ``, "Location", ops), poll: ops,
			polls: tkAnswer(500, odata500), opts: []lro.Option{lro.WithMaxRetries(0)},
			want: wantOData500,
		},
		{
			name: "provisioningState: poll 400", method: http.MethodPut, url: res,
			initial: tkAnswer(201, `{"properties":{"provisioningState":"Creating"}}`), poll: res,
			polls: tkAnswer(400, `{"error":{"code":"InvalidResource","message":"bad"}}`),
			want:  lro.ResponseError{Code: "InvalidResource", Message: "bad"},
		},
		{
			name: "Graph: poll 403", method: http.MethodPost, url: "https://graph.microsoft.com/v1.0/drives/d/items/i/copy",
			initial: tkAnswer(202, ``, "Location", "https://graph.microsoft.com/v1.0/monitor/1"), poll: "https://graph.microsoft.com/v1.0/monitor/1",
			polls: tkAnswer(403, `{"error":{"code":"accessDenied","message":"Access denied"}}`),
			want:  lro.ResponseError{Code: "accessDenied", Message: "Access denied"},
		},
		{
			name: "rule: poll 500 reads the error object", method: http.MethodPost, url: res,
			chain:   []strategies.Strategy{rule},
			initial: tkAnswer(202, ``, "Location", ops), poll: ops,
			polls: tkAnswer(500, odata500), opts: []lro.Option{lro.WithMaxRetries(0)},
			want: wantOData500,
		},
		{
			name: "integer code the status line does not say", method: http.MethodPost, url: res,
			initial: tkAnswer(202, ``, "Operation-Location", ops), poll: ops,
			polls:   tkAnswer(409, `{"error":{"code":1234,"message":"busy"}}`),
			want:    lro.ResponseError{NumericCode: 1234, Message: "busy"},
			message: `^lro: GET https://svc\.test/ops/1 answered 409 Conflict: 1234: busy$`,
		},
		{
			name: "integer code the status line says", method: http.MethodPost, url: res,
			initial: tkAnswer(202, ``, "Operation-Location", ops), poll: ops,
			polls:   tkAnswer(409, `{"error":{"code":409,"message":"busy"}}`),
			want:    lro.ResponseError{NumericCode: 409, Message: "busy"},
			message: `^lro: GET https://svc\.test/ops/1 answered 409 Conflict: busy$`,
		},
		{
			name: "Google operation: junk body", method: http.MethodPost, url: gapi,
			initial: tkAnswer(200, gop), poll: gpoll,
			polls: tkAnswer(502, `<html><body>502 Bad Gateway</body></html>`), opts: []lro.Option{lro.WithMaxRetries(0)},
			message: `^lro: GET https://library\.googleapis\.com/v1/operations/op1 answered 502 Bad Gateway \(retries exhausted\)$`,
		},
		{
			name: "Google operation: huge body", method: http.MethodPost, url: gapi,
			initial: tkAnswer(200, gop), poll: gpoll,
			polls:   tkAnswer(400, `{"error":`+strings.Repeat(" ", lro.DefaultMaxStatusBody-20)),
			message: `^lro: GET https://library\.googleapis\.com/v1/operations/op1 answered 400 Bad Request$`,
		},
		{
			name: "Google operation: empty body", method: http.MethodPost, url: gapi,
			initial: tkAnswer(200, gop), poll: gpoll,
			polls: tkAnswer(400, ``),
		},
		{
			name: "Operation-Location: nested too deep", method: http.MethodPost, url: res,
			initial: tkAnswer(202, ``, "Operation-Location", ops), poll: ops,
			polls: tkAnswer(400, strings.Repeat(`{"error":`, 50_000)+strings.Repeat("}", 50_000)),
		},
		{
			name: "Operation-Location: huge junk", method: http.MethodPost, url: res,
			initial: tkAnswer(202, ``, "Operation-Location", ops), poll: ops,
			polls: tkAnswer(400, strings.Repeat("\xff", lro.DefaultMaxStatusBody)),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tc.method, tc.url, tc.initial)
			mt.RegisterResponder(http.MethodGet, tc.poll, tc.polls)
			rec := &lrotest.Recorder{Base: mt}
			opts := []lro.Option{lro.WithPollInterval(time.Millisecond), lro.WithBackoff(nil, time.Millisecond, 2*time.Millisecond)}
			if tc.chain != nil {
				opts = append(opts, lro.WithStrategies(tc.chain...))
			}
			resp, err := (&http.Client{Transport: lro.New(rec, append(opts, tc.opts...)...)}).Do(tkReq(t, tc.method, tc.url, ""))
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got %s, want a ResponseError", resp.Status)
			}
			var re *lro.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want a *lro.ResponseError", err, err)
			}
			if want := tc.want.Phase; want == "" && re.Phase != "poll" || want != "" && re.Phase != want {
				t.Errorf("Phase = %q, want %q", re.Phase, want)
			}
			got := lro.ResponseError{Code: re.Code, NumericCode: re.NumericCode, Message: re.Message}
			want := lro.ResponseError{Code: tc.want.Code, NumericCode: tc.want.NumericCode, Message: tc.want.Message}
			if got != want {
				t.Errorf("got Code %q, NumericCode %d, Message %q; want %q, %d, %q",
					got.Code, got.NumericCode, got.Message, want.Code, want.NumericCode, want.Message)
			}
			if tc.message != "" {
				checkMessage(t, err, tc.message, tc.poll)
			} else {
				checkMessage(t, err, `^lro: GET `+regexp.QuoteMeta(tc.poll)+` answered `, tc.poll)
			}
			if err := rec.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}

// Resume, Poll and Cancel from a token read the service's error the same
// way: here, a Google operation in the default chain (scoped to
// googleapis.com), whose poll answers 404 and whose cancel answers 409.
func TestResponseErrorFromTokenReadsTheStrategysError(t *testing.T) {
	t.Parallel()
	const (
		api    = "https://library.googleapis.com/v1/shelves"
		poll   = "https://library.googleapis.com/v1/operations/op1"
		notFnd = `{"error":{"code":404,"message":"Operation operations/op1 not found.","status":"NOT_FOUND"}}`
	)
	notFound := lro.ResponseError{Phase: "poll", Code: "NOT_FOUND", NumericCode: 404, Message: "Operation operations/op1 not found."}
	tests := []struct {
		name string
		call func(ctx context.Context, tr *lro.Transport, tok string) error
		want lro.ResponseError
	}{
		{"Resume", func(ctx context.Context, tr *lro.Transport, tok string) error {
			resp, err := tr.Resume(ctx, tok)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}, notFound},
		{"Poll", func(ctx context.Context, tr *lro.Transport, tok string) error {
			_, err := tr.Poll(ctx, tok)
			return err
		}, notFound},
		{"Cancel", func(ctx context.Context, tr *lro.Transport, tok string) error {
			return tr.Cancel(ctx, tok)
		}, lro.ResponseError{Phase: "cancel", Code: "FAILED_PRECONDITION", NumericCode: 400, Message: "Operation already done."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, api, tkAnswer(200, `{"name":"operations/op1","done":false}`))
			mt.RegisterResponder(http.MethodGet, poll, tkAnswer(404, notFnd))
			mt.RegisterResponder(http.MethodPost, poll+":cancel",
				tkAnswer(400, `{"error":{"code":400,"message":"Operation already done.","status":"FAILED_PRECONDITION"}}`))
			rec := &lrotest.Recorder{Base: mt}
			tr := lro.New(rec, lro.WithNotFoundGrace(0))
			tok := tkStart(t, tr, tkReq(t, http.MethodPost, api, "{}"))
			err := tc.call(context.Background(), tr, tok)
			var re *lro.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want a *lro.ResponseError", err, err)
			}
			if re.Phase != tc.want.Phase || re.Code != tc.want.Code || re.NumericCode != tc.want.NumericCode || re.Message != tc.want.Message {
				t.Errorf("got Phase %q, Code %q, NumericCode %d, Message %q; want %q, %q, %d, %q",
					re.Phase, re.Code, re.NumericCode, re.Message, tc.want.Phase, tc.want.Code, tc.want.NumericCode, tc.want.Message)
			}
			if re.Token == "" {
				t.Error("the ResponseError carries no token")
			}
			checkMessage(t, err, `: `+tc.want.Code+`: `+regexp.QuoteMeta(tc.want.Message)+`$`)
			if err := rec.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}
