package asyncreply_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/asyncreply"
)

const statusURL = "https://jobs.example.com/api/status/1"

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestApplies(t *testing.T) {
	t.Parallel()
	loc := http.Header{"Location": {"/api/status/1"}}
	tests := []struct {
		name   string
		hosts  []string
		url    string
		code   int
		header http.Header
		want   bool
	}{
		{"named host", []string{"jobs.example.com"}, "https://jobs.example.com/api/jobs", 202, loc, true},
		{"subdomain", []string{"example.com"}, "https://jobs.example.com/api/jobs", 202, loc, true},
		{"other host", []string{"jobs.example.com"}, "https://other.example.com/api/jobs", 202, loc, false},
		{"no hosts named", nil, "https://jobs.example.com/api/jobs", 202, loc, false},
		{"star", []string{"*"}, "https://any.example.net/x", 202, loc, true},
		{"200", []string{"jobs.example.com"}, "https://jobs.example.com/api/jobs", 200, loc, false},
		{"no Location", []string{"jobs.example.com"}, "https://jobs.example.com/api/jobs", 202, http.Header{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := asyncreply.New(tc.hosts...).Applies("POST", mustURL(t, tc.url), tc.code, tc.header); got != tc.want {
				t.Errorf("Applies = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		code       int
		body, from string
		location   string
		want       strategies.Status
		progress   float64
		errCode    string
		errMsg     string
		poll       string
	}{
		{name: "In progress", code: 200, body: `{"status":"In progress","percentComplete":30}`, want: strategies.InProgress, progress: 30},
		{name: "in_progress", code: 200, body: `{"status":"in_progress"}`, want: strategies.InProgress},
		{name: "Running", code: 200, body: `{"status":"Running"}`, want: strategies.InProgress},
		{name: "unknown word", code: 200, body: `{"status":"Thinking"}`, want: strategies.InProgress},
		{name: "202 moves", code: 202, body: ``, location: "/api/status/2", want: strategies.InProgress, poll: "https://jobs.example.com/api/status/2"},
		{name: "redirected to the result", code: 200, body: `{"id":1}`, from: "https://blob.example.net/results/1", want: strategies.Succeeded},
		{name: "Failed with error object", code: 200, body: `{"status":"Failed","error":{"code":"JobFailed","message":"oom"}}`,
			want: strategies.Failed, errCode: "JobFailed", errMsg: "oom"},
		{name: "error word with top-level code", code: 200, body: `{"status":"error","code":500,"message":"boom"}`,
			want: strategies.Failed, errCode: "500", errMsg: "boom"},
		{name: "Cancelled", code: 200, body: `{"status":"Cancelled"}`, want: strategies.Canceled},
		{name: "Completed in body", code: 200, body: `{"status":"Completed","output":1}`, want: strategies.Succeeded},
		{name: "200 without status", code: 200, body: `[1,2]`, want: strategies.Succeeded},
		{name: "202 without status", code: 202, body: `{}`, want: strategies.InProgress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := &strategies.Operation{PollURL: statusURL, Status: strategies.InProgress}
			from := tc.from
			if from == "" {
				from = statusURL
			}
			h := http.Header{}
			if tc.location != "" {
				h.Set("Location", tc.location)
			}
			if err := asyncreply.New("*").Update(op, &strategies.Response{StatusCode: tc.code, Header: h, Body: []byte(tc.body), URL: mustURL(t, from)}); err != nil {
				t.Fatal(err)
			}
			poll := tc.poll
			if poll == "" {
				poll = statusURL
			}
			if op.Status != tc.want || op.Progress != tc.progress || op.ErrorCode != tc.errCode || op.ErrorMessage != tc.errMsg || op.PollURL != poll {
				t.Errorf("got %+v", op)
			}
		})
	}
}

// FuzzParse: any status answer gives a state, never a panic; a failure
// word is never a success, and progress stays within 0 to 100.
func FuzzParse(f *testing.F) {
	f.Add(200, []byte(`{"status":"In progress","percentComplete":30}`))
	f.Add(200, []byte(`{"status":"Failed","error":{"code":1,"message":"m"}}`))
	f.Add(202, []byte(`{"status":5,"progress":"x","error":"e"}`))
	f.Add(200, []byte(`not json`))
	u, _ := url.Parse(statusURL)
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		op := &strategies.Operation{PollURL: statusURL, Status: strategies.InProgress}
		if err := asyncreply.New("*").Update(op, &strategies.Response{StatusCode: code, Header: http.Header{}, Body: body, URL: u}); err != nil {
			t.Fatal(err) // without a Location nothing can fail
		}
		b := asyncreply.Parse(body)
		w := strings.ToLower(b.Status)
		if b.HasStatus && (w == "failed" || w == "error") && op.Status != strategies.Failed {
			t.Fatalf("%q read as %s", b.Status, op.Status)
		}
		if op.HasProgress && (op.Progress < 0 || op.Progress > 100) {
			t.Fatalf("progress %v", op.Progress)
		}
	})
}

// TestHostsLikeOnHosts: New's hosts match by the rule of strategies.OnHosts
// (strategies.HostUnder), trailing dots and IP literals included.
func TestHostsLikeOnHosts(t *testing.T) {
	t.Parallel()
	loc := http.Header{"Location": {"/api/status/1"}}
	urls := []string{"https://example.com/x", "https://Jobs.Example.com./x", "https://evil-example.com/x",
		"https://example.com:8443/x", "https://1.2.3.4/x", "https://[fe80::1%25eth0.example.com]/x", "https://[::1]/x"}
	for _, d := range []string{"example.com", "example.com.", "3.4", "1.2.3.4", "::1", "[::1]"} {
		scoped := strategies.OnHosts(asyncreply.New("*"), d)
		for _, raw := range urls {
			u := mustURL(t, raw)
			if got, want := asyncreply.New(d).Applies("POST", u, 202, loc), scoped.Applies("POST", u, 202, loc); got != want {
				t.Errorf("New(%q) applies to %s: %t; OnHosts(New(\"*\"), %q): %t", d, raw, got, d, want)
			}
		}
	}
}
