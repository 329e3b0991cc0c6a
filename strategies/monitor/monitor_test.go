package monitor

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

var reqURL, _ = url.Parse("https://svc.example.com/res/r1?api-version=1")

func initial(method string, status int, kv ...string) *strategies.Initial {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return &strategies.Initial{Method: method, URL: reqURL,
		Response: &strategies.Response{StatusCode: status, Header: h, URL: reqURL}}
}

func TestStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		s        *Strategy
		init     *strategies.Initial
		poll     string // "" means no operation
		location string
		wantErr  bool
	}{
		{"AAO absolute", AzureAsyncOperation(), initial("PUT", 201, "Azure-AsyncOperation", "https://svc.example.com/ops/1"), "https://svc.example.com/ops/1", "", false},
		{"AAO ignores OL", AzureAsyncOperation(), initial("PUT", 201, "Operation-Location", "https://svc.example.com/ops/1"), "", "", false},
		{"OL relative", OperationLocation(), initial("POST", 202, "Operation-Location", "/ops/2"), "https://svc.example.com/ops/2", "", false},
		{"OL with Location", OperationLocation(), initial("POST", 202, "Operation-Location", "/ops/2", "Location", "/results/2"), "https://svc.example.com/ops/2", "https://svc.example.com/results/2", false},
		{"OL with invalid Location", OperationLocation(), initial("POST", 202, "Operation-Location", "/ops/2", "Location", "ftp://x/y"), "https://svc.example.com/ops/2", "", false},
		{"OL invalid", OperationLocation(), initial("POST", 202, "Operation-Location", "gopher://x/y"), "", "", true},
		{"no header", OperationLocation(), initial("POST", 202, "Location", "/ops/2"), "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op, err := tc.s.Start(tc.init)
			if tc.wantErr {
				if op != nil || !errors.Is(err, strategies.ErrInvalidURL) {
					t.Fatalf("Start = %+v, %v; want an ErrInvalidURL error", op, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Start error: %v", err)
			}
			if tc.poll == "" {
				if op != nil {
					t.Fatalf("Start = %+v, want nil", op)
				}
				return
			}
			want := strategies.Operation{Strategy: tc.s.Name(), Method: tc.init.Method, URL: reqURL.String(),
				PollURL: tc.poll, Location: tc.location, Status: strategies.InProgress}
			if op == nil || string(op.Data) != "" || op.Strategy != want.Strategy || op.Method != want.Method ||
				op.URL != want.URL || op.PollURL != want.PollURL || op.Location != want.Location || op.Status != want.Status {
				t.Errorf("Start = %+v, want %+v", op, want)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	opsURL, _ := url.Parse("https://svc.example.com/ops/1")
	tests := []struct {
		name      string
		s         *Strategy
		status    int
		body      string
		want      strategies.Status
		service   string
		resultURL string
		wantErr   error
	}{
		{"202 no body", OperationLocation(), 202, "", strategies.InProgress, "", "", nil},
		{"running", OperationLocation(), 200, `{"status":"Running"}`, strategies.InProgress, "Running", "", nil},
		{"succeeded", AzureAsyncOperation(), 200, `{"status":"Succeeded"}`, strategies.Succeeded, "Succeeded", "", nil},
		{"OL resourceLocation", OperationLocation(), 200, `{"status":"Succeeded","resourceLocation":"/things/1"}`, strategies.Succeeded, "Succeeded", "https://svc.example.com/things/1", nil},
		{"AAO ignores resourceLocation", AzureAsyncOperation(), 200, `{"status":"Succeeded","resourceLocation":"/things/1"}`, strategies.Succeeded, "Succeeded", "", nil},
		{"resourceLocation only on success", OperationLocation(), 200, `{"status":"Running","resourceLocation":"/things/1"}`, strategies.InProgress, "Running", "", nil},
		{"failed", OperationLocation(), 200, `{"status":"Failed"}`, strategies.Failed, "Failed", "", nil},
		{"cancelled", OperationLocation(), 200, `{"status":"Cancelled"}`, strategies.Canceled, "Cancelled", "", nil},
		{"201 is read", OperationLocation(), 201, `{"status":"succeeded"}`, strategies.Succeeded, "succeeded", "", nil},
		{"empty", OperationLocation(), 200, "", "", "", "", strategies.ErrEmptyBody},
		{"invalid JSON", AzureAsyncOperation(), 200, "{", "", "", "", strategies.ErrInvalidBody},
		{"no status", OperationLocation(), 200, `{"state":"Succeeded"}`, "", "", "", strategies.ErrNoStatus},
		{"status not a string", OperationLocation(), 200, `{"status":["Succeeded"]}`, "", "", "", strategies.ErrNoStatus},
		{"invalid resourceLocation", OperationLocation(), 200, `{"status":"Succeeded","resourceLocation":"ftp://x"}`, "", "", "", strategies.ErrInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := &strategies.Operation{Strategy: tc.s.Name(), Method: "PUT", URL: reqURL.String(), PollURL: opsURL.String(), Status: strategies.InProgress}
			err := tc.s.Update(op, &strategies.Response{StatusCode: tc.status, Header: http.Header{}, Body: []byte(tc.body), URL: opsURL})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Update error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Update error: %v", err)
			}
			if op.Status != tc.want || op.ServiceStatus != tc.service || op.ResultURL != tc.resultURL {
				t.Errorf("after Update: status %q service %q result %q; want %q %q %q",
					op.Status, op.ServiceStatus, op.ResultURL, tc.want, tc.service, tc.resultURL)
			}
		})
	}
}

func TestResult(t *testing.T) {
	t.Parallel()
	const (
		orig = "https://svc.example.com/res/r1"
		loc  = "https://svc.example.com/results/1"
		rl   = "https://svc.example.com/things/1"
	)
	tests := []struct {
		method, fsv, location, resultURL string
		want                             string
	}{
		{"PUT", "", "", "", orig},
		{"PUT", "", loc, "", orig},
		{"PUT", "", loc, rl, rl},
		{"PUT", "location", loc, rl, loc},
		{"PUT", "location", "", rl, rl},
		{"PUT", "location", "", "", orig},
		{"PUT", "azure-async-operation", loc, "", orig},
		{"PUT", "original-uri", loc, rl, rl},
		{"PATCH", "", loc, "", orig},
		{"PATCH", "location", loc, "", loc},
		{"DELETE", "", loc, rl, ""},
		{"DELETE", "location", loc, rl, ""},
		{"DELETE", "original-uri", loc, "", ""},
		{"POST", "", loc, rl, loc},
		{"POST", "", "", rl, rl},
		{"POST", "", "", "", ""},
		{"POST", "location", loc, "", loc},
		{"POST", "azure-async-operation", loc, rl, ""},
		{"POST", "operation-location", loc, rl, ""},
		{"POST", "original-uri", loc, rl, orig},
	}
	for _, s := range []*Strategy{AzureAsyncOperation(), OperationLocation()} {
		for _, tc := range tests {
			op := &strategies.Operation{Method: tc.method, URL: orig, Location: tc.location, ResultURL: tc.resultURL,
				FinalStateVia: tc.fsv, Status: strategies.Succeeded}
			last := &strategies.Response{StatusCode: 200}
			if got := s.Result(op, last).Get; got != tc.want {
				t.Errorf("%s Result(%s, fsv %q, Location %q, resourceLocation %q).Get = %q, want %q",
					s.Name(), tc.method, tc.fsv, tc.location, tc.resultURL, got, tc.want)
			}
			if got := s.Result(op, nil).Get; got != tc.want {
				t.Errorf("%s Result(%s, fsv %q) with no response in hand: Get = %q, want %q", s.Name(), tc.method, tc.fsv, got, tc.want)
			}
			// An initial 201 (or 200) that declares success is the result;
			// an initial 202 is not.
			if got := s.Result(op, &strategies.Response{StatusCode: 201, Initial: true}); got != (strategies.Result{}) {
				t.Errorf("%s Result of an initial 201 = %+v, want the zero Result", s.Name(), got)
			}
			if got := s.Result(op, &strategies.Response{StatusCode: 202, Initial: true}).Get; got != tc.want {
				t.Errorf("%s Result of an initial 202: Get = %q, want %q", s.Name(), got, tc.want)
			}
			op.Status = strategies.Failed
			if got := s.Result(op, last); got != (strategies.Result{}) {
				t.Errorf("%s Result of a failed %s = %+v, want none", s.Name(), tc.method, got)
			}
		}
	}
}
