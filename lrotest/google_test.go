package lrotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lrohttp/lro/lrotest"
)

// send sends method to u and decodes the JSON answer.
func send(t *testing.T, method, u string) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: %q: %v", method, u, b, err)
	}
	return resp.StatusCode, v, resp.Header
}

func TestGoogleServerAIP151(t *testing.T) {
	t.Parallel()
	s := lrotest.NewGoogleServer()
	defer s.Close()
	start := s.Start(lrotest.GoogleScenario{Polls: 1, Name: "operations/a+b/c=", PlainText: true})
	code, op, h := send(t, http.MethodPost, start)
	if code != 200 || op["name"] != "operations/a+b/c=" || op["done"] != false || h.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("start: %d %v %v", code, op, h)
	}
	poll := s.URL() + "/v1/operations/a+b/c="
	if _, op, _ = send(t, http.MethodGet, poll); op["done"] != false {
		t.Errorf("poll 1: %v, want not done", op)
	}
	if _, op, _ = send(t, http.MethodGet, poll); op["done"] != true || op["response"] == nil {
		t.Errorf("poll 2: %v, want done with a response", op)
	}
	if got := len(s.Requests(start)); got != 3 {
		t.Errorf("%d requests logged, want 3", got)
	}

	failing := s.Start(lrotest.GoogleScenario{Done: true, ErrorCode: 9, ErrorMessage: "no"})
	if _, op, _ = send(t, http.MethodPost, failing); op["done"] != true || op["error"].(map[string]any)["code"] != float64(9) {
		t.Errorf("already failed: %v", op)
	}

	running := s.Start(lrotest.GoogleScenario{Polls: -1})
	_, op, _ = send(t, http.MethodPost, running)
	name := op["name"].(string)
	if code, _, _ := send(t, http.MethodPost, s.URL()+"/v1/"+name+":cancel"); code != 200 {
		t.Errorf("cancel: %d", code)
	}
	if _, op, _ = send(t, http.MethodGet, s.URL()+"/v1/"+name); op["error"].(map[string]any)["code"] != float64(1) {
		t.Errorf("after cancel: %v, want error code 1", op)
	}
	if code, _, _ := send(t, http.MethodPost, s.URL()+"/v1/"+name+":cancel"); code != 400 {
		t.Errorf("cancel of a done operation: %d, want 400", code)
	}
}

func TestGoogleServerCompute(t *testing.T) {
	t.Parallel()
	s := lrotest.NewGoogleServer()
	defer s.Close()
	for _, scope := range []string{"", "global", "regions/r1"} {
		start := s.Start(lrotest.GoogleScenario{Protocol: lrotest.ComputeEngine, Scope: scope, Polls: 1,
			Errors: []lrotest.ComputeError{{Code: "QUOTA", Message: "over"}}})
		_, op, _ := send(t, http.MethodDelete, start)
		self, _ := op["selfLink"].(string)
		want := "zones/us-central1-a"
		if scope != "" {
			want = scope
		}
		if op["kind"] != "compute#operation" || op["status"] != "PENDING" || op["operationType"] != "delete" ||
			!strings.Contains(self, "/projects/demo/"+want+"/operations/") || op["targetLink"] != start {
			t.Fatalf("scope %q start: %v", scope, op)
		}
		if _, op, _ = send(t, http.MethodGet, self); op["status"] != "RUNNING" {
			t.Errorf("poll 1: %v", op)
		}
		if _, op, _ = send(t, http.MethodGet, self); op["status"] != "DONE" || op["error"] == nil {
			t.Errorf("poll 2: %v, want DONE with errors", op)
		}
		if code, _, _ := send(t, http.MethodGet, start); code != 404 {
			t.Errorf("GET of a deleted instance: %d, want 404", code)
		}
	}
}
