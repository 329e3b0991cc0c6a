package lro_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/google"
)

// googleChain is the default chain with Google's strategies added by hand,
// as a user does for a host that is not under googleapis.com (here,
// lrotest's loopback server).
func googleChain() lro.Option {
	return lro.WithStrategies(append(lro.DefaultStrategies(), google.Compute(), google.Operations())...)
}

// newGoogle starts a GoogleServer and an http.Transport to it, both closed
// at Cleanup.
func newGoogle(t *testing.T) (*lrotest.GoogleServer, *http.Transport) {
	t.Helper()
	srv := lrotest.NewGoogleServer()
	base := &http.Transport{}
	t.Cleanup(func() { base.CloseIdleConnections(); srv.Close() })
	return srv, base
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// opJSON decodes an AIP-151 Operation body.
func opJSON(t *testing.T, body string) (op struct {
	Name     string          `json:"name"`
	Done     bool            `json:"done"`
	Response json.RawMessage `json:"response"`
}) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), &op); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return op
}

func TestGoogleOperationsEndToEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sc       lrotest.GoogleScenario
		method   string
		requests int    // requests the operation received
		errCode  string // OperationError.Code, or "" for success
		errNum   int
		status   strategies.Status // of a failure
	}{
		{"success", lrotest.GoogleScenario{Polls: 2}, "POST", 4, "", 0, ""},
		{"success, text/plain", lrotest.GoogleScenario{Polls: 1, PlainText: true}, "POST", 3, "", 0, ""},
		{"already done: no poll", lrotest.GoogleScenario{Done: true}, "POST", 1, "", 0, ""},
		{"names with / + =", lrotest.GoogleScenario{Polls: 1, Name: "projects/p/locations/l/operations/a+b/c==", Version: "v1beta1"}, "PATCH", 3, "", 0, ""},
		{"error", lrotest.GoogleScenario{Polls: 1, ErrorCode: 5, ErrorMessage: "thing not found"}, "POST", 3, "NOT_FOUND", 5, strategies.Failed},
		{"error in the first answer", lrotest.GoogleScenario{Done: true, ErrorCode: 7, ErrorMessage: "denied"}, "DELETE", 1, "PERMISSION_DENIED", 7, strategies.Failed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, base := newGoogle(t)
			var progress []float64
			var mu sync.Mutex
			hooks := lro.WithHooks(lro.Hooks{Polled: func(i lro.PollInfo) {
				if i.HasPercentComplete {
					mu.Lock()
					progress = append(progress, i.PercentComplete)
					mu.Unlock()
				}
			}})
			tr := lro.New(base, googleChain(), lro.WithPollInterval(time.Millisecond), hooks)
			start := srv.Start(tc.sc)
			req, _ := http.NewRequest(tc.method, start, strings.NewReader(`{}`))
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if got := len(srv.Requests(start)); got != tc.requests {
				t.Errorf("service saw %d requests (%v), want %d", got, srv.Requests(start), tc.requests)
			}
			if tc.errCode != "" {
				var oe *lro.OperationError
				if !errors.As(err, &oe) || oe.Code != tc.errCode || oe.NumericCode != tc.errNum || oe.Message != tc.sc.ErrorMessage || oe.Status != tc.status {
					t.Fatalf("err = %#v, want an OperationError %s (%d) %q", err, tc.errCode, tc.errNum, tc.sc.ErrorMessage)
				}
				if oe.Token == "" {
					t.Error("OperationError carries no token")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			op := opJSON(t, readBody(t, resp))
			if !op.Done || len(op.Response) == 0 {
				t.Errorf("result = %+v, want the done Operation with its response inline", op)
			}
			if tc.sc.Name != "" {
				want := "/" + tc.sc.Version + "/" + tc.sc.Name
				if got := srv.Requests(start)[1].Path; got != want {
					t.Errorf("poll path = %s, want %s", got, want)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if tc.sc.Polls > 0 && (len(progress) != tc.sc.Polls+1 || progress[len(progress)-1] != 100) {
				t.Errorf("progress seen by hooks = %v, want %d values ending at 100", progress, tc.sc.Polls+1)
			}
		})
	}
}

// TestGoogleOperationsResumePollCancel: a token taken under WithoutPolling
// (from a Transport whose chain was set in New) drives Poll step by step,
// Resume to the end, and Cancel, whose effect the next Poll reports.
func TestGoogleOperationsResumePollCancel(t *testing.T) {
	t.Parallel()
	srv, base := newGoogle(t)
	tr := lro.New(base, googleChain(), lro.WithPollInterval(time.Millisecond))
	client := &http.Client{Transport: tr}
	begin := func(sc lrotest.GoogleScenario) (string, string) {
		t.Helper()
		start := srv.Start(sc)
		req, _ := http.NewRequestWithContext(lro.WithoutPolling(context.Background()), http.MethodPost, start, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := lro.ResumeToken(resp)
		if err != nil {
			t.Fatalf("ResumeToken: %v", err)
		}
		if op := opJSON(t, readBody(t, resp)); op.Done {
			t.Fatalf("initial answer %+v is done", op)
		}
		return start, tok
	}
	ctx := context.Background()

	t.Run("Poll", func(t *testing.T) {
		_, tok := begin(lrotest.GoogleScenario{Polls: 1})
		res, err := tr.Poll(ctx, tok)
		if err != nil || res.Done || res.Status != strategies.InProgress {
			t.Fatalf("step 1: %+v, %v", res, err)
		}
		res, err = tr.Poll(ctx, res.Token)
		if err != nil || !res.Done || res.Status != strategies.Succeeded {
			t.Fatalf("step 2: %+v, %v", res, err)
		}
		if op := opJSON(t, readBody(t, res.Response)); !op.Done {
			t.Errorf("final = %+v", op)
		}
	})
	t.Run("Resume", func(t *testing.T) {
		_, tok := begin(lrotest.GoogleScenario{Polls: 2})
		resp, err := tr.Resume(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if op := opJSON(t, readBody(t, resp)); !op.Done || len(op.Response) == 0 {
			t.Errorf("final = %+v", op)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		start, tok := begin(lrotest.GoogleScenario{Polls: -1})
		if err := tr.Cancel(ctx, tok); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		reqs := srv.Requests(start)
		if last := reqs[len(reqs)-1]; last.Method != http.MethodPost ||
			!strings.HasPrefix(last.Path, "/v1/projects/demo/locations/global/operations/op-") || !strings.HasSuffix(last.Path, ":cancel") {
			t.Errorf("cancel request = %+v", last)
		}
		res, err := tr.Poll(ctx, tok)
		var oe *lro.OperationError
		if !res.Done || res.Status != strategies.Canceled || !errors.As(err, &oe) || oe.Code != "CANCELLED" || oe.NumericCode != 1 {
			t.Fatalf("Poll after Cancel = %+v, %v; want Done, Canceled, CANCELLED", res, err)
		}
		if err := tr.Cancel(ctx, tok); err == nil {
			t.Error("a second Cancel of a done operation: no error")
		}
	})
}

// TestGoogleDeadlineMidWait: the request's deadline passes while lro waits
// between polls of an operation that never ends; RoundTrip returns at once
// with the deadline error and a token that still works. The deadline must
// pass after the initial response, which a loaded machine can delay past a
// short deadline: an attempt whose operation never started (no Started
// hook) proves nothing and is made again with twice the deadline.
func TestGoogleDeadlineMidWait(t *testing.T) {
	t.Parallel()
	srv, base := newGoogle(t)
	for limit := 150 * time.Millisecond; ; limit *= 2 {
		var started atomic.Bool
		tr := lro.New(base, googleChain(), lro.WithPollInterval(10*time.Minute),
			lro.WithHooks(lro.Hooks{Started: func(lro.StartInfo) { started.Store(true) }}))
		start := srv.Start(lrotest.GoogleScenario{Polls: -1})
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, start, nil)
		began := time.Now()
		_, err := (&http.Client{Transport: tr}).Do(req)
		d := time.Since(began)
		cancel()
		if !started.Load() {
			if limit > 10*time.Second {
				t.Fatalf("no operation started within a %v deadline: %v", limit, err)
			}
			continue
		}
		if d > limit+5*time.Second {
			t.Errorf("returned %v after a %v deadline; the 10 min wait was not cut short", d, limit)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want DeadlineExceeded", err)
		}
		tok, ok := lro.TokenFromError(err)
		if !ok {
			t.Fatal("no token in the error")
		}
		if got := len(srv.Requests(start)); got != 1 {
			t.Errorf("service saw %d requests, want the initial one only", got)
		}
		res, err := lro.New(base, googleChain()).Poll(context.Background(), tok)
		if err != nil || res.Done || res.Status != strategies.InProgress {
			t.Errorf("Poll from the token = %+v, %v", res, err)
		}
		return
	}
}

func TestGoogleComputeEndToEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sc       lrotest.GoogleScenario
		method   string
		requests int
		kind     string // kind of the result body
		errCode  string
		errMsg   string
		errNum   int
	}{
		{"zonal insert: GET of targetLink", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Polls: 2}, "POST", 5, "compute#instance", "", "", 0},
		{"global", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Scope: "global", Polls: 1}, "POST", 4, "compute#instance", "", "", 0},
		{"regional delete: the final operation", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Scope: "regions/us-central1", Polls: 1}, "DELETE", 3, "compute#operation", "", "", 0},
		{"already done", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Done: true}, "POST", 2, "compute#instance", "", "", 0},
		{"DONE with errors", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Polls: 1, HTTPErrorStatusCode: 409,
			Errors: []lrotest.ComputeError{{Code: "RESOURCE_ALREADY_EXISTS", Message: "vm exists"}, {Code: "X", Message: "more"}}},
			"POST", 3, "", "RESOURCE_ALREADY_EXISTS", "vm exists; more", 409},
		{"DONE with an HTTP error", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, HTTPErrorStatusCode: 403}, "POST", 2, "", "FORBIDDEN", "FORBIDDEN", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, base := newGoogle(t)
			tr := lro.New(base, googleChain(), lro.WithPollInterval(time.Millisecond))
			start := srv.Start(tc.sc)
			req, _ := http.NewRequest(tc.method, start, nil)
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if got := len(srv.Requests(start)); got != tc.requests {
				t.Errorf("service saw %d requests (%v), want %d", got, srv.Requests(start), tc.requests)
			}
			if tc.errCode != "" {
				var oe *lro.OperationError
				if !errors.As(err, &oe) || oe.Code != tc.errCode || oe.Message != tc.errMsg || oe.NumericCode != tc.errNum {
					t.Fatalf("err = %v, want an OperationError %s %q (%d)", err, tc.errCode, tc.errMsg, tc.errNum)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got struct{ Kind, Status string }
			if err := json.Unmarshal([]byte(readBody(t, resp)), &got); err != nil || got.Kind != tc.kind {
				t.Errorf("result kind = %q (%v), want %q", got.Kind, err, tc.kind)
			}
			if tc.kind == "compute#operation" && got.Status != "DONE" {
				t.Errorf("final operation status = %q, want DONE", got.Status)
			}
		})
	}
}

// onHost moves a lrotest URL to host, keeping its port and path.
func onHost(t *testing.T, raw, host string) string {
	t.Helper()
	u, _ := url.Parse(raw)
	u.Host = host + ":" + u.Port()
	return u.String()
}

// TestGoogleHostScope: the default chain, with no option, completes Google
// operations on hosts under googleapis.com, and leaves the same answer from
// any other host untouched.
func TestGoogleHostScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sc        lrotest.GoogleScenario
		host      string
		completes bool
	}{
		{"AIP-151 on speech.googleapis.com", lrotest.GoogleScenario{Polls: 1}, "speech.googleapis.com", true},
		{"Compute on compute.googleapis.com", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Polls: 1}, "compute.googleapis.com", true},
		{"Compute on www.googleapis.com", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Polls: 1}, "WWW.GoogleAPIs.com", true},
		{"AIP-151 elsewhere", lrotest.GoogleScenario{Polls: 1}, "speech.example.com", false},
		{"AIP-151 on a look-alike host", lrotest.GoogleScenario{Polls: 1}, "evilgoogleapis.com", false},
		{"AIP-151 on a googleapis.com suffix of another domain", lrotest.GoogleScenario{Polls: 1}, "googleapis.com.example.net", false},
		{"Compute elsewhere", lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Polls: 1}, "compute.example.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newGoogle(t)
			client := &http.Client{Transport: lro.New(loopbackBase(t, srv.URL(), nil), lro.WithPollInterval(time.Millisecond))}
			start := srv.Start(tc.sc)
			req, _ := http.NewRequest(http.MethodPost, onHost(t, start, tc.host), nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			reqs := srv.Requests(start)
			if !tc.completes {
				if len(reqs) != 1 || resp.StatusCode != 200 || !strings.Contains(body, `"done":false`) && !strings.Contains(body, `"PENDING"`) {
					t.Errorf("got %d requests, %d %s; want the initial answer untouched", len(reqs), resp.StatusCode, body)
				}
				return
			}
			if len(reqs) < 3 {
				t.Errorf("got %d requests, want the operation polled to its end", len(reqs))
			}
			for _, r := range reqs {
				if !strings.EqualFold(strings.Split(r.Host, ":")[0], tc.host) {
					t.Errorf("request %s %s went to host %s, want %s", r.Method, r.Path, r.Host, tc.host)
				}
			}
			if !strings.Contains(body, `"done":true`) && !strings.Contains(body, `"compute#instance"`) {
				t.Errorf("final body = %s, want the done result", body)
			}
		})
	}
}
