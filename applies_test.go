package lro_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// clJob applies to a 202 to POST /jobs with no header: its body names a job,
// polled at /jobs/{id} until "state" is "done".
type clJob struct{ asked *atomic.Int64 }

func (clJob) Name() string { return "job" }

func (c clJob) Applies(method string, u *url.URL, status int, _ http.Header) bool {
	c.asked.Add(1)
	return method == http.MethodPost && u.Path == "/jobs" && status == http.StatusAccepted
}

func (clJob) Start(init *strategies.Initial) (*strategies.Operation, error) {
	var b struct{ ID string }
	if init.Response.StatusCode != http.StatusAccepted || json.Unmarshal(init.Response.Body, &b) != nil || b.ID == "" {
		return nil, nil
	}
	poll, err := strategies.Resolve(init.Response.URL, "job id", "/jobs/"+url.PathEscape(b.ID))
	if err != nil {
		return nil, err
	}
	return &strategies.Operation{Strategy: "job", Method: init.Method, URL: init.URL.String(), PollURL: poll.String(),
		Status: strategies.InProgress}, nil
}

func (clJob) Update(op *strategies.Operation, resp *strategies.Response) error {
	var b struct{ State string }
	if err := json.Unmarshal(resp.Body, &b); err != nil {
		return err
	}
	op.ServiceStatus = b.State
	op.Status = strategies.InProgress
	if b.State == "done" {
		op.Status = strategies.Succeeded
	}
	return nil
}

func (clJob) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{}
}

func clMock() *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://svc.test/jobs", tkAnswer(202, `{"id":"j1"}`))
	mt.RegisterResponder(http.MethodPost, "https://svc.test/other", tkAnswer(202, `{"id":"j1"}`))
	mt.RegisterResponder(http.MethodPost, "https://svc.test/ol", tkAnswer(202, ``, "Operation-Location", "https://svc.test/ops/1"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, `{"status":"Succeeded"}`))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/jobs/j1",
		tkSeq(tkAnswer(200, `{"state":"running"}`), tkAnswer(200, `{"state":"done","result":42}`)))
	return mt
}

func TestCustomApplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		url        string
		perRequest bool // the strategy comes through WithOptions, not New
		claimer    bool
		wantStatus int
		wantBody   string
		wantAsked  int64
	}{
		{"default chain passes a bare 202 through", "https://svc.test/jobs", false, false, 202, `{"id":"j1"}`, 0},
		{"applies", "https://svc.test/jobs", false, true, 200, `{"state":"done","result":42}`, 1},
		{"applies per request", "https://svc.test/jobs", true, true, 200, `{"state":"done","result":42}`, 1},
		{"does not apply", "https://svc.test/other", false, true, 202, `{"id":"j1"}`, 1},
		{"an earlier strategy starts it: later ones are not asked", "https://svc.test/ol", false, true, 200, `{"status":"Succeeded"}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var asked atomic.Int64
			chain := lro.DefaultStrategies()
			if tt.claimer {
				chain = append(chain, clJob{&asked})
			}
			var opts []lro.Option
			ctx := context.Background()
			if tt.perRequest {
				ctx = lro.WithOptions(ctx, lro.WithStrategies(chain...))
			} else {
				opts = append(opts, lro.WithStrategies(chain...))
			}
			tr := lro.New(clMock(), append(opts, lro.WithPollInterval(time.Millisecond))...)
			resp, err := tr.RoundTrip(tkReq(t, http.MethodPost, tt.url, `{}`).WithContext(ctx))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := tkBody(t, resp); got != tt.wantBody {
				t.Errorf("body = %s, want %s", got, tt.wantBody)
			}
			if got := asked.Load(); got != tt.wantAsked {
				t.Errorf("Applies asked %d times, want %d", got, tt.wantAsked)
			}
		})
	}
}

// ResumeToken sees a response the strategy applies to as an operation when the strategy
// comes with the request's options.
func TestCustomAppliesResumeToken(t *testing.T) {
	t.Parallel()
	var asked atomic.Int64
	s := clJob{&asked}
	mt := clMock()
	req := tkReq(t, http.MethodPost, "https://svc.test/jobs", `{}`)
	resp, err := mt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lro.ResumeToken(resp); !errors.Is(err, lro.ErrNotOperation) {
		t.Errorf("without the strategy: err = %v, want ErrNotOperation", err)
	}
	tok := tkStart(t, mt, tkReq(t, http.MethodPost, "https://svc.test/jobs", `{}`).
		WithContext(lro.WithOptions(context.Background(), lro.WithStrategies(s))))
	if _, op := tkDecode(t, tok); op.Strategy != "job" || op.PollURL != "https://svc.test/jobs/j1" {
		t.Errorf("token op = %+v", op)
	}
	resp, err = lro.New(mt, lro.WithStrategies(s), lro.WithPollInterval(time.Millisecond)).Resume(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if got := tkBody(t, resp); got != `{"state":"done","result":42}` {
		t.Errorf("body = %s", got)
	}
}

// ResumeToken knows the chain of the Transport that returned a response
// under WithoutPolling, set in New, and a response from elsewhere is asked
// of the default chain only. Through http.Client too, with a timeout (which
// wraps the body).
func TestResumeTokenTransportChain(t *testing.T) {
	t.Parallel()
	var asked atomic.Int64
	mt := clMock()
	tr := lro.New(mt, lro.WithStrategies(append(lro.DefaultStrategies(), clJob{&asked})...), lro.WithPollInterval(time.Millisecond))
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	req := tkReq(t, http.MethodPost, "https://svc.test/jobs", `{}`).WithContext(lro.WithoutPolling(context.Background()))
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status = %d, want the untouched 202", resp.StatusCode)
	}
	tok, err := lro.ResumeToken(resp)
	if err != nil {
		t.Fatalf("ResumeToken: %v", err)
	}
	if got := tkBody(t, resp); got != `{"id":"j1"}` {
		t.Errorf("body after ResumeToken = %s, want it intact", got)
	}
	if _, op := tkDecode(t, tok); op.Strategy != "job" {
		t.Errorf("token strategy = %q, want job", op.Strategy)
	}
	final, err := tr.Resume(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if got := tkBody(t, final); got != `{"state":"done","result":42}` {
		t.Errorf("resumed body = %s", got)
	}

	// The same response from the mock itself: no Transport marked it.
	raw, err := mt.RoundTrip(tkReq(t, http.MethodPost, "https://svc.test/jobs", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lro.ResumeToken(raw); !errors.Is(err, lro.ErrNotOperation) {
		t.Errorf("unmarked response: err = %v, want ErrNotOperation", err)
	}
}
