package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_=-]{20,}$`)

func TestNoWaitThenResume(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)

	t.Run("--token-only", func(t *testing.T) {
		t.Parallel()
		u := srv.Start(lrotest.Scenario{Protocol: lrotest.Location, Polls: 3})
		r := runLro(t, nil, nil, "-X", "POST", u, "--no-wait", "--token-only")
		r.wantCode(t, exitOK)
		tok := strings.TrimSuffix(r.stdout, "\n")
		if !tokenRE.MatchString(tok) || r.stdout != tok+"\n" {
			t.Fatalf("stdout = %q, want one token line", r.stdout)
		}
		if n := srv.Count(u); n != 1 {
			t.Errorf("--no-wait sent %d requests, want 1", n)
		}
		// A second process waits the operation out.
		r = runLro(t, nil, nil, "resume", tok, "--interval", "10ms")
		r.wantCode(t, exitOK)
		if want := regexp.MustCompile(`^\{"name":"op\d+","result":"done"\}$`); !want.MatchString(r.stdout) {
			t.Errorf("resume stdout = %q, want /%s/", r.stdout, want)
		}
		if n := srv.Count(u); n != 1+4 {
			t.Errorf("the operation got %d requests, want 5 (initial, 3 polls in progress, the one with the result)", n)
		}
	})
	t.Run("initial response and command", func(t *testing.T) {
		t.Parallel()
		u := srv.Start(lrotest.Scenario{Polls: 2, Result: oddResult})
		r := runLro(t, nil, nil, "-X", "PUT", "-i", u, "--no-wait", "--interval", "10ms")
		r.wantCode(t, exitOK)
		if !strings.HasPrefix(r.stdout, "HTTP/1.1 201 Created\r\n") || !strings.Contains(r.stdout, "\r\nOperation-Location: ") {
			t.Errorf("stdout = %q, want the initial 201 with its headers", r.stdout)
		}
		m := regexp.MustCompile(`(?m)^  (lro resume \S+ --interval 10ms -i)$`).FindStringSubmatch(r.stderr)
		if m == nil {
			t.Fatalf("stderr has no resume command:\n%s", r.stderr)
		}
		out := shell(t, m[1])
		if _, body, _ := strings.Cut(out, "\r\n\r\n"); body != oddResult {
			t.Errorf("the printed command printed %q, want the head and %q", out, oddResult)
		}
	})
}

// shell runs a printed lro command line with sh, the lro binary first on
// PATH, and returns its stdout; it fails the test unless it exits 0.
func shell(t *testing.T, line string) string {
	t.Helper()
	out, err := shellRun(line)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// shellRun is shell for any goroutine: it returns the failure.
func shellRun(line string) (string, error) {
	cmd := exec.Command("sh", "-c", line)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	timer := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("%s: %v\nstdout: %q\nstderr:\n%s", line, err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

func TestPollJSON(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	u := srv.Start(lrotest.Scenario{Polls: 2, PercentComplete: true, RetryAfter: 2 * time.Second})
	r := runLro(t, nil, nil, "-X", "PUT", u, "--no-wait", "--token-only")
	r.wantCode(t, exitOK)
	tok := strings.TrimSpace(r.stdout)
	out := filepath.Join(t.TempDir(), "final.json")

	type answer struct {
		Status     string   `json:"status"`
		Done       bool     `json:"done"`
		Percent    *float64 `json:"percent"`
		Next       float64  `json:"next"`
		Token      string   `json:"token"`
		HTTPStatus int      `json:"http_status"`
	}
	pct := func(f float64) *float64 { return &f }
	want := []answer{
		{Status: "InProgress", Percent: pct(33), Next: 2},
		{Status: "InProgress", Percent: pct(66), Next: 2},
		{Status: "Succeeded", Percent: pct(100), Next: 2},  // the final GET is still to come
		{Status: "Succeeded", Done: true, HTTPStatus: 200}, // the final GET
	}
	for i, w := range want {
		r := runLro(t, nil, nil, "poll", tok, "-o", out)
		r.wantCode(t, exitOK)
		if r.stderr != "" {
			t.Errorf("poll %d: stderr = %q, want nothing", i+1, r.stderr)
		}
		if strings.Count(r.stdout, "\n") != 1 || !strings.HasSuffix(r.stdout, "}\n") {
			t.Fatalf("poll %d: stdout = %q, want one JSON object on one line", i+1, r.stdout)
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
			t.Fatalf("poll %d: %v in %q", i+1, err, r.stdout)
		}
		for _, k := range []string{"status", "done", "percent", "next", "token"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("poll %d: no key %q in %s", i+1, k, r.stdout)
			}
		}
		var got answer
		_ = json.Unmarshal([]byte(r.stdout), &got)
		if !tokenRE.MatchString(got.Token) {
			t.Fatalf("poll %d: token %q", i+1, got.Token)
		}
		tok, got.Token = got.Token, ""
		if got.Status != w.Status || got.Done != w.Done || got.Next != w.Next || got.HTTPStatus != w.HTTPStatus ||
			(got.Percent == nil) != (w.Percent == nil) || (got.Percent != nil && *got.Percent != *w.Percent) {
			t.Errorf("poll %d = %s, want %+v (percent %v)", i+1, r.stdout, w, w.Percent)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), `"provisioningState":"Succeeded"`) {
		t.Errorf("-o file = %q, %v; want the resource", b, err)
	}
}

func TestInterruptPrintsWorkingResume(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			// 8 polls 500 ms apart: interrupted after the second, the
			// operation still runs when the signal lands.
			u := srv.Start(lrotest.Scenario{Polls: 8, Result: oddResult})
			p := start(t, nil, "-X", "PUT", u, "--interval", "500ms")
			p.waitFor(t, regexp.MustCompile(`poll 2: 200 Running\n`), true, time.Minute)
			sent := time.Now()
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(t, time.Minute); code != exitInterrupted {
				t.Fatalf("exit code %d, want 130", code)
			}
			if d := time.Since(sent); d > 10*time.Second {
				t.Errorf("took %s to stop after the signal", d)
			}
			stdout, stderr := p.output()
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			noControl(t, "stderr", stderr)
			m := regexp.MustCompile(`lro: interrupted; the operation goes on \(lro never cancels it\); resume with:\n  (lro resume \S+ --interval 500ms)\n$`).FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("stderr has no resume command at its end:\n%s", stderr)
			}
			if !srv.DoneAt(u).IsZero() {
				t.Fatal("the operation ended before the resume: the test proves nothing")
			}
			if out := shell(t, m[1]); out != oddResult {
				t.Errorf("the resume command printed %q, want %q", out, oddResult)
			}
			for _, req := range srv.Requests(u) {
				if req.Method != "GET" && req.Method != "PUT" {
					t.Errorf("request %s %s: lro must never cancel the operation", req.Method, req.URL)
				}
			}
		})
	}
}

func TestTokenCmdRerunsOn401(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	counter := filepath.Join(dir, "runs")
	script := filepath.Join(dir, "token.sh")
	// Prints tok-1, tok-2, … : one more each run.
	if err := os.WriteFile(script, []byte("n=$(cat \"$1\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$1\"; echo tok-$n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u := srv.Start(lrotest.Scenario{Polls: 2, Faults: []lrotest.Fault{{Step: lrotest.Poll, N: 2, Status: 401}}})
	r := runLro(t, nil, nil, "-X", "PUT", u, "--interval", "10ms", "--token-cmd", "sh "+script+" "+counter)
	r.wantCode(t, exitOK)
	if b, _ := os.ReadFile(counter); strings.TrimSpace(string(b)) != "2" {
		t.Errorf("--token-cmd ran %q times, want 2", b)
	}
	var got []string
	for _, req := range srv.Requests(u) {
		got = append(got, req.Step.String()+" "+req.Header.Get("Authorization")+" "+strconv.Itoa(req.Status))
	}
	want := []string{
		"initial Bearer tok-1 201",
		"poll Bearer tok-1 200",
		"poll Bearer tok-1 401", // refused: the command runs again
		"poll Bearer tok-2 200", // the same poll once more
		"poll Bearer tok-2 200",
		"final Bearer tok-2 200",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCredentialsStayScoped(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	env := []string{"LRO_TEST_TOKEN=s3cret"}
	// The monitor is on "localhost": another host than the 127.0.0.1 the
	// request went to.
	sc := lrotest.Scenario{Polls: 1, MonitorHost: "localhost"}
	creds := func(u string) []string {
		var out []string
		for _, req := range srv.Requests(u) {
			host, _, _ := strings.Cut(req.Host, ":")
			out = append(out, req.Step.String()+" "+host+" auth="+req.Header.Get("Authorization")+
				" cookie="+req.Header.Get("Cookie")+" x="+req.Header.Get("X-Custom")+" other="+req.Header.Get("X-Other"))
		}
		return out
	}
	tests := []struct {
		name string
		args func(u string) []string
		want []string
	}{
		{
			name: "not to a foreign monitor",
			args: func(u string) []string {
				return []string{"-X", "PUT", u, "--bearer-env", "LRO_TEST_TOKEN", "-H", "Cookie: c=1", "-H", "X-Custom: 1"}
			},
			// A foreign host gets only lro's safe headers (docs/security.md):
			// X-Custom stays off the monitor too.
			want: []string{
				"initial 127.0.0.1 auth=Bearer s3cret cookie=c=1 x=1 other=",
				"poll localhost auth= cookie= x= other=",
				"poll localhost auth= cookie= x= other=",
				"final 127.0.0.1 auth=Bearer s3cret cookie=c=1 x=1 other=",
			},
		},
		{
			name: "--trusted-host widens",
			args: func(u string) []string {
				return []string{"-X", "PUT", u, "--bearer-env", "LRO_TEST_TOKEN", "--trusted-host", "localhost"}
			},
			want: []string{
				"initial 127.0.0.1 auth=Bearer s3cret cookie= x= other=",
				"poll localhost auth=Bearer s3cret cookie= x= other=",
				"poll localhost auth=Bearer s3cret cookie= x= other=",
				"final 127.0.0.1 auth=Bearer s3cret cookie= x= other=",
			},
		},
		{
			name: "resume: only to --trusted-host",
			args: func(u string) []string {
				r := runLro(t, nil, env, "-X", "PUT", u, "--no-wait", "--token-only", "--bearer-env", "LRO_TEST_TOKEN")
				r.wantCode(t, exitOK)
				return []string{"resume", strings.TrimSpace(r.stdout), "--bearer-env", "LRO_TEST_TOKEN",
					"--trusted-host", "127.0.0.1", "-H", "Cookie: c=1", "-H", "X-Custom: 1", "-H", "X-Other: 2"}
			},
			want: []string{
				"initial 127.0.0.1 auth=Bearer s3cret cookie= x= other=",
				"poll localhost auth= cookie= x= other=",
				"poll localhost auth= cookie= x= other=",
				"final 127.0.0.1 auth=Bearer s3cret cookie=c=1 x=1 other=2",
			},
		},
		{
			name: "--safe-header goes anywhere",
			args: func(u string) []string {
				return []string{"-X", "PUT", u, "--bearer-env", "LRO_TEST_TOKEN", "-H", "X-Custom: 1", "--safe-header", "x-custom", "-H", "X-Other: 2"}
			},
			want: []string{
				"initial 127.0.0.1 auth=Bearer s3cret cookie= x=1 other=2",
				"poll localhost auth= cookie= x=1 other=",
				"poll localhost auth= cookie= x=1 other=",
				"final 127.0.0.1 auth=Bearer s3cret cookie= x=1 other=2",
			},
		},
		{
			name: "resume: --safe-header goes anywhere",
			args: func(u string) []string {
				r := runLro(t, nil, env, "-X", "PUT", u, "--no-wait", "--token-only")
				r.wantCode(t, exitOK)
				return []string{"resume", strings.TrimSpace(r.stdout), "-H", "X-Custom: 1", "--safe-header", "X-Custom", "-H", "X-Other: 2"}
			},
			want: []string{
				"initial 127.0.0.1 auth= cookie= x= other=",
				"poll localhost auth= cookie= x=1 other=",
				"poll localhost auth= cookie= x=1 other=",
				"final 127.0.0.1 auth= cookie= x=1 other=",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := srv.Start(sc)
			r := runLro(t, nil, env, append(tt.args(u), "--interval", "10ms")...)
			r.wantCode(t, exitOK)
			if got := creds(u); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if strings.Contains(r.stderr, "s3cret") {
				t.Errorf("stderr shows the token:\n%s", r.stderr)
			}
		})
	}
}

func TestCancelWithoutCanceler(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	u := srv.Start(lrotest.Scenario{Polls: 3})
	r := runLro(t, nil, nil, "-X", "PUT", u, "--no-wait", "--token-only")
	r.wantCode(t, exitOK)
	r = runLro(t, nil, nil, "cancel", strings.TrimSpace(r.stdout))
	r.wantCode(t, exitNetwork)
	if !strings.Contains(r.stderr, "this operation's protocol has no way to cancel it") {
		t.Errorf("stderr = %q", r.stderr)
	}
	if n := srv.Count(u); n != 1 {
		t.Errorf("the operation got %d requests, want only the initial one", n)
	}
}
