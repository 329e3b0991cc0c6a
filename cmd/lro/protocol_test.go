package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
