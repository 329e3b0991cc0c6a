package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// aip151 is a small service that speaks Google's AIP-151 operations over
// loopback: a POST to /v1/things answers an Operation; GET
// /v1/operations/opN answers it running, then done (with outcome);
// POST /v1/operations/opN:cancel is recorded.
type aip151 struct {
	*httptest.Server
	outcome string // the done Operation's "response" or "error" member

	mu       sync.Mutex
	polls    int
	canceled []string
}

func newAIP151(t *testing.T, outcome string) *aip151 {
	t.Helper()
	s := &aip151{outcome: outcome}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *aip151) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/things":
		fmt.Fprint(w, `{"name":"operations/op1","done":false,"metadata":{"progressPercent":10}}`)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/operations/op1":
		s.polls++
		if s.polls < 2 {
			fmt.Fprint(w, `{"name":"operations/op1","done":false,"metadata":{"progressPercent":50}}`)
			return
		}
		fmt.Fprintf(w, `{"name":"operations/op1","done":true,%s}`, s.outcome)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/operations/op1:cancel":
		s.canceled = append(s.canceled, r.URL.Path)
		fmt.Fprint(w, `{}`)
	default:
		http.Error(w, `{"error":{"code":404,"message":"no such thing"}}`, http.StatusNotFound)
	}
}

func TestProtocolGoogle(t *testing.T) {
	t.Parallel()
	t.Run("not without --protocol", func(t *testing.T) {
		t.Parallel()
		s := newAIP151(t, `"response":{"x":1}`)
		// Loopback is not googleapis.com: the default chain lets it pass.
		r := runLro(t, nil, nil, "-X", "POST", s.URL+"/v1/things")
		r.wantCode(t, exitOK)
		if want := `{"name":"operations/op1","done":false,"metadata":{"progressPercent":10}}`; r.stdout != want {
			t.Errorf("stdout = %q, want the initial answer %q", r.stdout, want)
		}
	})
	t.Run("success", func(t *testing.T) {
		t.Parallel()
		s := newAIP151(t, `"response":{"x":1}`)
		r := runLro(t, nil, nil, "-X", "POST", s.URL+"/v1/things", "--protocol", "google", "--interval", "10ms")
		r.wantCode(t, exitOK)
		if want := `{"name":"operations/op1","done":true,"response":{"x":1}}`; r.stdout != want {
			t.Errorf("stdout = %q, want %q", r.stdout, want)
		}
		if !strings.Contains(r.stderr, "poll 1: 200 InProgress 50%") {
			t.Errorf("stderr has no poll line with the percent:\n%s", r.stderr)
		}
	})
	t.Run("failure", func(t *testing.T) {
		t.Parallel()
		s := newAIP151(t, `"error":{"code":5,"message":"the disk is gone"}`)
		r := runLro(t, nil, nil, "-X", "POST", s.URL+"/v1/things", "--protocol", "google", "--interval", "10ms")
		r.wantCode(t, exitFailed)
		if !strings.Contains(r.stderr, "NOT_FOUND") || !strings.Contains(r.stderr, "the disk is gone") {
			t.Errorf("stderr lacks the service's code and message:\n%s", r.stderr)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		s := newAIP151(t, `"response":{}`)
		r := runLro(t, nil, nil, "-X", "POST", s.URL+"/v1/things", "--protocol", "google", "--no-wait", "--token-only")
		r.wantCode(t, exitOK)
		r = runLro(t, nil, nil, "cancel", strings.TrimSpace(r.stdout), "--protocol", "google")
		r.wantCode(t, exitOK)
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.canceled) != 1 {
			t.Errorf("cancel requests %q, want one POST /v1/operations/op1:cancel", s.canceled)
		}
	})
}

func TestProtocolGoogleCompute(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	polls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		defer mu.Unlock()
		switch r.Method + " " + r.URL.Path {
		case "POST /compute/v1/projects/p/zones/z/instances":
			fmt.Fprint(w, `{"kind":"compute#operation","name":"op1","status":"RUNNING","progress":0,"selfLink":"/ops/op1","targetLink":"/instances/vm1"}`)
		case "GET /ops/op1":
			polls++
			if polls < 2 {
				fmt.Fprint(w, `{"kind":"compute#operation","name":"op1","status":"RUNNING","progress":40,"selfLink":"/ops/op1","targetLink":"/instances/vm1"}`)
				return
			}
			fmt.Fprint(w, `{"kind":"compute#operation","name":"op1","status":"DONE","progress":100,"selfLink":"/ops/op1","targetLink":"/instances/vm1"}`)
		case "GET /instances/vm1":
			fmt.Fprint(w, `{"name":"vm1","status":"RUNNING"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	r := runLro(t, nil, nil, "-X", "POST", srv.URL+"/compute/v1/projects/p/zones/z/instances", "--protocol", "google-compute", "--interval", "10ms")
	r.wantCode(t, exitOK)
	if want := `{"name":"vm1","status":"RUNNING"}`; r.stdout != want {
		t.Errorf("stdout = %q, want the instance %q", r.stdout, want)
	}
	if !strings.Contains(r.stderr, "poll 1: 200 RUNNING 40%") {
		t.Errorf("stderr has no poll line with the percent:\n%s", r.stderr)
	}
}

// sequence is a loopback service whose routes answer from a script: each
// request to a path takes that path's next answer (the last one repeats).
type answer struct {
	status int
	header string // "Name: value", or ""
	body   string
}

func sequence(t *testing.T, routes map[string][]answer) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		key := r.Method + " " + r.URL.Path
		mu.Lock()
		as, ok := routes[key]
		n := seen[key]
		seen[key]++
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		a := as[min(n, len(as)-1)]
		if name, value, ok := strings.Cut(a.header, ": "); ok {
			w.Header().Set(name, value)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		fmt.Fprint(w, a.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestProtocolsBeforeTheDefaultChain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, protocol, method string
		start                  string // the path the request goes to
		routes                 map[string][]answer
		without, with          string // stdout without and with --protocol
		withoutCode            int    // exit code without it (under --max-wait 1)
		poll                   string // a line stderr shows with it
	}{
		{
			name: "graph", protocol: "graph", method: "POST", start: "/v1.0/drive/items/1/copy",
			routes: map[string][]answer{
				"POST /v1.0/drive/items/1/copy": {{202, "Location: /monitor/1", ""}},
				"GET /monitor/1": {
					{202, "", `{"status":"inProgress","percentageComplete":50}`},
					{202, "", `{"status":"completed","percentageComplete":100,"resourceLocation":"/items/2"}`},
				},
				"GET /items/2": {{200, "", `{"id":"2","name":"copy.txt"}`}},
			},
			// The Location strategy waits for an answer that is not a 202,
			// and Graph's "completed" 202 is one: it waits until --max-wait.
			without: "", withoutCode: exitMaxWait, with: `{"id":"2","name":"copy.txt"}`, poll: "poll 1: 202 inProgress 50%",
		},
		{
			name: "async-reply", protocol: "async-reply", method: "POST", start: "/jobs",
			routes: map[string][]answer{
				"POST /jobs":    {{202, "Location: /status/1", ""}},
				"GET /status/1": {{200, "", `{"status":"running","percentComplete":30}`}, {302, "Location: /result/1", ""}},
				"GET /result/1": {{200, "", `{"answer":42}`}},
			},
			// The Location strategy takes the first 200 for the result.
			without: `{"status":"running","percentComplete":30}`, with: `{"answer":42}`, poll: "poll 1: 200 running 30%",
		},
		{
			name: "repeat-get", protocol: "repeat-get", method: "GET", start: "/repos/o/r/stats/contributors",
			routes: map[string][]answer{
				"GET /repos/o/r/stats/contributors": {{202, "", `{}`}, {202, "", `{}`}, {200, "", `[{"total":3}]`}},
			},
			// A 202 to a GET without a Location starts nothing by default.
			without: `{}`, with: `[{"total":3}]`, poll: "poll 2: 200",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := tt.start
			r := runLro(t, nil, nil, "-X", tt.method, sequence(t, tt.routes).URL+path, "--interval", "10ms", "--max-wait", "1")
			r.wantCode(t, tt.withoutCode)
			if r.stdout != tt.without {
				t.Errorf("without --protocol: stdout = %q, want %q (exit %d)\n%s", r.stdout, tt.without, r.code, r.stderr)
			}
			r = runLro(t, nil, nil, "-X", tt.method, sequence(t, tt.routes).URL+path, "--protocol", tt.protocol, "--interval", "10ms")
			r.wantCode(t, exitOK)
			if r.stdout != tt.with {
				t.Errorf("with --protocol %s: stdout = %q, want %q", tt.protocol, r.stdout, tt.with)
			}
			if !strings.Contains(r.stderr, tt.poll) {
				t.Errorf("with --protocol %s: stderr has no %q:\n%s", tt.protocol, tt.poll, r.stderr)
			}
			// --no-wait, then resume in another process.
			r = runLro(t, nil, nil, "-X", tt.method, sequence(t, tt.routes).URL+path, "--protocol", tt.protocol, "--no-wait", "--token-only")
			r.wantCode(t, exitOK)
			r = runLro(t, nil, nil, "resume", strings.TrimSpace(r.stdout), "--protocol", tt.protocol, "--interval", "10ms")
			r.wantCode(t, exitOK)
			if r.stdout != tt.with {
				t.Errorf("resume --protocol %s: stdout = %q, want %q", tt.protocol, r.stdout, tt.with)
			}
		})
	}
}

func TestRulesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ruleFile := filepath.Join(dir, "jobs.json")
	rule := `[{
	  "name": "jobs",
	  "start":  {"methods": ["POST"], "statusCodes": [201], "hosts": ["127.0.0.1"], "field": "/job/id"},
	  "poll":   {"template": "/v2/jobs/{/job/id}"},
	  "status": {"field": "/job/status", "inProgress": ["queued", "running"], "success": ["done"], "failure": ["broken"]},
	  "progress": "/job/pct"
	}]`
	if err := os.WriteFile(ruleFile, []byte(rule), 0o600); err != nil {
		t.Fatal(err)
	}
	routes := map[string][]answer{
		"POST /v2/jobs": {{201, "", `{"job":{"id":"j1","status":"queued"}}`}},
		"GET /v2/jobs/j1": {
			{200, "", `{"job":{"id":"j1","status":"running","pct":50}}`},
			{200, "", `{"job":{"id":"j1","status":"done","pct":100}}`},
		},
	}
	final := `{"job":{"id":"j1","status":"done","pct":100}}`

	r := runLro(t, nil, nil, "-X", "POST", sequence(t, routes).URL+"/v2/jobs", "--interval", "10ms")
	r.wantCode(t, exitOK)
	if want := `{"job":{"id":"j1","status":"queued"}}`; r.stdout != want {
		t.Errorf("without --rules: stdout = %q, want the initial answer %q", r.stdout, want)
	}

	r = runLro(t, nil, nil, "-X", "POST", sequence(t, routes).URL+"/v2/jobs", "--rules", ruleFile, "--interval", "10ms")
	r.wantCode(t, exitOK)
	if r.stdout != final {
		t.Errorf("with --rules: stdout = %q, want %q", r.stdout, final)
	}
	if !strings.Contains(r.stderr, "operation started (rule:jobs)") || !strings.Contains(r.stderr, "poll 1: 200 running 50%") {
		t.Errorf("with --rules: stderr lacks the start and the progress:\n%s", r.stderr)
	}

	// --no-wait prints a resume command that names the rule file; run it
	// from another directory.
	r = runLro(t, nil, nil, "-X", "POST", sequence(t, routes).URL+"/v2/jobs", "--rules", ruleFile, "--no-wait", "--interval", "10ms")
	r.wantCode(t, exitOK)
	m := regexp.MustCompile(`(?m)^  (lro resume \S+ --rules \S+ --interval 10ms)$`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no resume command naming the rules:\n%s", r.stderr)
	}
	if out := shell(t, "cd / && "+m[1]); out != final {
		t.Errorf("the resume command printed %q, want %q", out, final)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"name":"x","strat":{}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runLro(t, nil, nil, "-X", "POST", "http://127.0.0.1:9/v2/jobs", "--rules", bad)
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "lro: --rules "+bad+": ") {
		t.Errorf("a bad rule file: stderr = %q", r.stderr)
	}
}
