package lro_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/location"
)

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
			mt.RegisterResponder(http.MethodPost, "https://svc.test/ops/1/cancel", tkAnswer(tt.answer, `{"error":{"code":"Conflict"}}`))
			mt.RegisterResponder(http.MethodDelete, "https://svc.test/ops/1/cancel", tkAnswer(tt.answer, ``))
			rec := &lrotest.Recorder{Base: mt}
			tr := lro.New(rec, lro.WithStrategies(tt.strategy))
			tok := tkStart(t, tr, tkReq(t, http.MethodPost, "https://svc.test/res/1", "").
				WithContext(lro.WithOptions(context.Background(), lro.WithStrategies(tt.strategy))))
			rec.Take() // the initial request
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
			sent := rec.Take()
			if got := len(sent); got != tt.wantCalls {
				t.Errorf("cancel requests = %d (%v), want %d", got, sent, tt.wantCalls)
			}
			for _, s := range sent {
				if s.URL.String() != "https://svc.test/ops/1/cancel" {
					t.Errorf("cancel sent %v, want a request to https://svc.test/ops/1/cancel", s)
				}
			}
			if err := rec.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}
