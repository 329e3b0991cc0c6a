package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

// An odd result body: no trailing newline, spaces, escapes, non-ASCII.
const oddResult = "{ \"name\":\"caf\u00e9\",\n\t\"x\":\"\\u0001\\\"\", \"n\":[1, 2 ,3]}   "

func TestFinalBodyByteForByte(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	u := srv.Start(lrotest.Scenario{Polls: 2, Result: oddResult, PercentComplete: true})
	r := runLro(t, nil, nil, "-X", "PUT", u, "--interval", "10ms")
	r.wantCode(t, exitOK)
	if r.stdout != oddResult {
		t.Errorf("stdout = %q, want %q", r.stdout, oddResult)
	}
	noControl(t, "stderr", r.stderr)
	// One timestamped line per poll, then the summary.
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z `
	want := []string{
		ts + `operation started \(operation-location\), polling http://127\.0\.0\.1:\d+/operations/op1$`,
		ts + `poll 1: 200 Running 33%$`,
		ts + `poll 2: 200 Running 66%$`,
		ts + `poll 3: 200 Succeeded 100%$`,
		ts + `Succeeded in [0-9.]+m?s after 5 requests: 200 OK$`,
	}
	got := lines(r.stderr)
	if len(got) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(got), len(want), r.stderr)
	}
	for i, re := range want {
		if !regexp.MustCompile("^" + re).MatchString(got[i]) {
			t.Errorf("stderr line %d = %q, want /%s/", i+1, got[i], re)
		}
	}
}

func TestOutputFlags(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)

	t.Run("-o", func(t *testing.T) {
		t.Parallel()
		file := filepath.Join(t.TempDir(), "out.json")
		r := runLro(t, nil, nil, srv.Start(lrotest.Scenario{Polls: 1, Result: oddResult}), "-X", "PUT", "-o", file, "--interval", "10ms")
		r.wantCode(t, exitOK)
		if r.stdout != "" {
			t.Errorf("stdout = %q, want nothing", r.stdout)
		}
		if b, err := os.ReadFile(file); err != nil || string(b) != oddResult {
			t.Errorf("file = %q, %v; want %q", b, err, oddResult)
		}
	})
	t.Run("-i", func(t *testing.T) {
		t.Parallel()
		r := runLro(t, nil, nil, "-i", "-X", "PUT", srv.Start(lrotest.Scenario{Result: oddResult}), "--interval=10ms")
		r.wantCode(t, exitOK)
		head, body, ok := strings.Cut(r.stdout, "\r\n\r\n")
		if !ok || body != oddResult {
			t.Fatalf("stdout = %q, want a head, a blank line and the body", r.stdout)
		}
		if !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") || !strings.Contains(head, "\r\nContent-Type: application/json") {
			t.Errorf("head = %q", head)
		}
	})
	t.Run("-s", func(t *testing.T) {
		t.Parallel()
		r := runLro(t, nil, nil, "-s", "-X", "PUT", srv.Start(lrotest.Scenario{Polls: 1, Result: oddResult}), "--interval=10ms")
		r.wantCode(t, exitOK)
		if r.stdout != oddResult || r.stderr != "" {
			t.Errorf("stdout = %q, stderr = %q; want the body and nothing", r.stdout, r.stderr)
		}
	})
	t.Run("--max-delay", func(t *testing.T) {
		t.Parallel()
		// The service asks for 30 s between polls; --max-delay caps it.
		u := srv.Start(lrotest.Scenario{Polls: 2, RetryAfter: 30 * time.Second})
		r := runLro(t, nil, nil, "-v", "-X", "PUT", u, "--max-delay", "50ms")
		r.wantCode(t, exitOK)
		if n := strings.Count(r.stderr, "* waiting 50ms (retry-after)\n"); n != 3 {
			t.Errorf("stderr shows %d waits of 50ms, want 3:\n%s", n, r.stderr)
		}
	})
	t.Run("-v", func(t *testing.T) {
		t.Parallel()
		u := srv.Start(lrotest.Scenario{Polls: 1, RetryAfter: time.Second})
		r := runLro(t, nil, nil, "-v", "-X", "PUT", u)
		r.wantCode(t, exitOK)
		noControl(t, "stderr", r.stderr)
		for _, re := range []string{
			`Z > PUT http://127\.0\.0\.1:\d+/resources/op\d+\n`,
			`Z < HTTP/1\.1 201 Created\n`,
			`Z \* waiting 1s \(retry-after\)\n`,
			`Z > GET http://127\.0\.0\.1:\d+/operations/op\d+\n`,
			`Z poll 2: 200 Succeeded\n`,
		} {
			if !regexp.MustCompile(re).MatchString(r.stderr) {
				t.Errorf("stderr has no /%s/:\n%s", re, r.stderr)
			}
		}
	})
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	closed := closedPort(t)
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // exact, when not "*"
		stderrHas  string
		stdoutHas  string
		noRequests bool
	}{
		{name: "success", args: []string{"-X", "PUT", srv.Start(lrotest.Scenario{Polls: 1, Result: `{"ok":1}`})}, code: 0, stdout: `{"ok":1}`},
		{name: "failed", args: []string{"-X", "PUT", srv.Start(lrotest.Scenario{Polls: 1, Terminal: "Failed"})}, code: 1, stdout: "",
			stderrHas: "lro: operation Failed: OperationFailed: operation op2 ended Failed"},
		{name: "failed -i", args: []string{"-i", "-X", "PUT", srv.Start(lrotest.Scenario{Polls: 1, Terminal: "Failed"})}, code: 1, stdout: "*",
			stdoutHas: `"status":"Failed","error":{"code":"OperationFailed"`, stderrHas: "OperationFailed"},
		{name: "canceled", args: []string{"-X", "DELETE", srv.Start(lrotest.Scenario{Polls: 1, Terminal: "Canceled"})}, code: 1, stdout: "",
			stderrHas: "lro: operation Canceled: OperationCanceled"},
		{name: "no URL", args: []string{"-X", "PUT"}, code: 2, stdout: "", stderrHas: "lro: no URL"},
		{name: "unknown flag", args: []string{"--frobnicate", "http://127.0.0.1/"}, code: 2, stdout: "", stderrHas: "unknown flag: --frobnicate"},
		{name: "not a URL", args: []string{"example.com/x"}, code: 2, stdout: "", stderrHas: "must start with http:// or https://"},
		{name: "unknown protocol", args: []string{"--protocol", "nope", "http://127.0.0.1/"}, code: 2, stdout: "", stderrHas: `unknown --protocol "nope"`},
		{name: "bad duration", args: []string{"--max-wait", "soon", "http://127.0.0.1/"}, code: 2, stdout: "", stderrHas: "--max-wait"},
		{name: "invalid token", args: []string{"resume", "not-a-token"}, code: 2, stdout: "", stderrHas: "lro: invalid resume token"},
		{name: "connection refused", args: []string{"http://" + closed + "/x"}, code: 3, stdout: "", stderrHas: "connection refused"},
		{name: "poll answers 403", args: []string{"-X", "PUT", srv.Start(lrotest.Scenario{Polls: 3, Faults: []lrotest.Fault{{Status: 403}}})}, code: 3, stdout: "",
			stderrHas: "answered 403 Forbidden: Forbidden: injected fault"},
		{name: "max-wait", args: []string{"-X", "PUT", "--max-wait", "0.3", srv.Start(lrotest.Scenario{Polls: -1})}, code: 4, stdout: "",
			stderrHas: "lro: gave up waiting (--max-wait); the operation goes on; resume with:\n  lro resume "},
		{name: "fail 404", args: []string{"--fail", "-X", "PUT", srv.Start(lrotest.Scenario{Protocol: lrotest.Synchronous, Terminal: "Failed", FailStatus: 404})}, code: 22, stdout: "",
			stderrHas: "lro: the final response is 404 Not Found (--fail)"},
		{name: "404 without --fail", args: []string{"-X", "PUT", srv.Start(lrotest.Scenario{Protocol: lrotest.Synchronous, Terminal: "Failed", FailStatus: 404})}, code: 0, stdout: "*",
			stdoutHas: `"code":"OperationFailed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runLro(t, nil, nil, append(tt.args, "--interval", "20ms")...)
			r.wantCode(t, tt.code)
			if tt.stdout != "*" && r.stdout != tt.stdout {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stdout, tt.stdoutHas) {
				t.Errorf("stdout = %q, want it to hold %q", r.stdout, tt.stdoutHas)
			}
			if !strings.Contains(r.stderr, tt.stderrHas) {
				t.Errorf("stderr does not hold %q:\n%s", tt.stderrHas, r.stderr)
			}
			noControl(t, "stderr", r.stderr)
		})
	}
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	t.Parallel()
	r := runLro(t, nil, nil, "--help")
	r.wantCode(t, exitOK)
	for _, want := range []string{
		"Exit codes:", "\n  0    success", "\n  1    the operation failed or was canceled", "\n  2    usage",
		"\n  3    network or protocol error", "\n  4    --max-wait", "\n  22   --fail", "\n  130  interrupted",
		"-X, --request METHOD", "--token-cmd CMD", "--no-wait", "--token-only",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help does not hold %q:\n%s", want, r.stdout)
		}
	}
}

// echo is a plain service that answers each request with what it got.
type echoed struct {
	method, contentType, accept, custom string
	body                                []byte
}

func echoServer(t *testing.T) (*httptest.Server, <-chan echoed) {
	t.Helper()
	got := make(chan echoed, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- echoed{r.Method, r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.Header.Get("X-Custom"), b}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestRequestBodies(t *testing.T) {
	t.Parallel()
	srv, got := echoServer(t)
	file := filepath.Join(t.TempDir(), "body")
	binary := "line 1\r\nline 2\n\x00\xff end"
	if err := os.WriteFile(file, []byte(binary), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name              string
		stdin             string
		args              []string
		method, ctype     string
		accept, body, hdr string
	}{
		{name: "-d @- from stdin", stdin: binary, args: []string{"-d", "@-"}, method: "POST", ctype: "application/x-www-form-urlencoded", body: binary},
		{name: "-d @file", args: []string{"-d", "@" + file}, method: "POST", ctype: "application/x-www-form-urlencoded", body: binary},
		{name: "-d twice", args: []string{"-d", "a=1", "-d", "b=2"}, method: "POST", ctype: "application/x-www-form-urlencoded", body: "a=1&b=2"},
		{name: "--json @- with -X PUT", stdin: `{"a":1}`, args: []string{"-X", "PUT", "--json", "@-"}, method: "PUT", ctype: "application/json", accept: "application/json", body: `{"a":1}`},
		{name: "-H keeps its Content-Type", args: []string{"-d", "x", "-H", "Content-Type: text/plain", "-H", "X-Custom:  v 1 "}, method: "POST", ctype: "text/plain", body: "x", hdr: "v 1"},
		{name: "GET by default", args: nil, method: "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: requests share the echo channel.
			r := runLro(t, strings.NewReader(tt.stdin), nil, append([]string{srv.URL + "/x"}, tt.args...)...)
			r.wantCode(t, exitOK)
			e := <-got
			if e.method != tt.method || e.contentType != tt.ctype || e.accept != tt.accept || string(e.body) != tt.body || e.custom != tt.hdr {
				t.Errorf("server got %s %q %q %q body %q; want %s %q %q %q body %q", e.method, e.contentType, e.accept, e.custom, e.body,
					tt.method, tt.ctype, tt.accept, tt.hdr, tt.body)
			}
			if r.stdout != tt.body {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.body)
			}
			if r.stderr != "" {
				t.Errorf("stderr = %q, want nothing for a request that starts no operation", r.stderr)
			}
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestNoWaitWithoutOperation(t *testing.T) {
	t.Parallel()
	srv, got := echoServer(t)
	r := runLro(t, nil, nil, srv.URL+"/x", "-d", "body", "--no-wait")
	r.wantCode(t, exitOK)
	<-got
	if r.stdout != "body" || !strings.Contains(r.stderr, "starts no operation") {
		t.Errorf("stdout = %q, stderr = %q; want the final body and a note", r.stdout, r.stderr)
	}
	r = runLro(t, nil, nil, srv.URL+"/x", "-d", "body", "--no-wait", "--token-only")
	<-got
	r.wantCode(t, exitNetwork)
	if r.stdout != "" || !strings.Contains(r.stderr, "lro: POST answered 200 OK, which starts no operation: no token") {
		t.Errorf("stdout = %q, stderr = %q; want nothing and the reason", r.stdout, r.stderr)
	}
}
