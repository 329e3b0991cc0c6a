package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
	"mvdan.cc/sh/v3/syntax"
)

// tmuxServer is a tmux server of the test's own (its own socket), so that
// the test touches no other tmux session.
type tmuxServer struct {
	t    *testing.T
	sock string
}

func newTmux(t *testing.T) *tmuxServer {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is missing: .ci/cmd-lro.sh installs it")
		}
		t.Skip("tmux is not installed (apt-get install tmux); CI installs it")
	}
	// A short socket path: Unix sockets have a ~100-byte limit.
	dir, err := os.MkdirTemp("", "lrotmux")
	if err != nil {
		t.Fatal(err)
	}
	s := &tmuxServer{t: t, sock: filepath.Join(dir, "s")}
	t.Cleanup(func() {
		_ = exec.Command("tmux", "-S", s.sock, "kill-server").Run()
		os.RemoveAll(dir)
	})
	return s
}

func (s *tmuxServer) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// capture returns the pane's visible text.
func (s *tmuxServer) capture() string { return s.run("capture-pane", "-p", "-t", "t") }

// waitFor polls the pane until re matches it, for up to d.
func (s *tmuxServer) waitFor(re *regexp.Regexp, d time.Duration) (string, []string) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		pane := s.capture()
		if m := re.FindStringSubmatch(pane); m != nil {
			return pane, m
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("pane never matched /%s/ in %s; it shows:\n%s", re, d, pane)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLiveDisplay runs lro in a real terminal (a tmux pane) and reads the
// screen: mid-operation it shows one status line with the percent; at the
// end that line is replaced by the summary.
func TestLiveDisplay(t *testing.T) {
	t.Parallel()
	tm := newTmux(t)
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	// Four polls in progress, one a second (Retry-After: 1): about 5 s.
	u := srv.Start(lrotest.Scenario{Polls: 4, PercentComplete: true, RetryAfter: time.Second, Result: oddResult})
	out := filepath.Join(t.TempDir(), "out")
	q := func(s string) string {
		v, err := syntax.Quote(s, syntax.LangPOSIX)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// stdout to a file, stderr on the terminal; then the exit code, and a
	// pause that keeps the pane open to be read.
	line := q(bin) + " -X PUT " + q(u) + " >" + q(out) + "; echo exit=$?; sleep 600"
	tm.run("new-session", "-d", "-s", "t", "-x", "120", "-y", "10", "sh -c "+q(line))

	pane, m := tm.waitFor(regexp.MustCompile(`(?m)^[|/\\-] Running \[(#*)(\.*)\] (\d+)% \| [0-9.]+m?s \| (\d) polls( \| next in [0-9.]+m?s)?\s*$`), 2*time.Minute)
	pct, _ := strconv.Atoi(m[3])
	if pct != 20*atoi(m[4]) || pct == 0 || pct == 100 {
		t.Errorf("mid-operation percent %d%% after %s polls, want 20%% a poll, below 100:\n%s", pct, m[4], pane)
	}
	if len(m[1])+len(m[2]) != 20 || len(m[1]) != pct/5 {
		t.Errorf("bar %q for %d%%:\n%s", m[1]+m[2], pct, pane)
	}
	if n := strings.Count(pane, "Running"); n != 1 {
		t.Errorf("the status line shows %d times, want once (redrawn in place):\n%s", n, pane)
	}

	pane, _ = tm.waitFor(regexp.MustCompile(`(?m)^exit=\d+$`), 2*time.Minute)
	want := regexp.MustCompile(`^Succeeded in [0-9.]+m?s after 7 requests: 200 OK\nexit=0\n`)
	if !want.MatchString(pane) {
		t.Errorf("final pane, want /%s/ at its top:\n%s", want, pane)
	}
	if strings.Contains(pane, "Running") || strings.Contains(pane, "%") {
		t.Errorf("the status line is still on screen:\n%s", pane)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != oddResult {
		t.Errorf("stdout = %q, %v; want %q", b, err, oddResult)
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
