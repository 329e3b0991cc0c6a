package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// bin is the lro binary the tests run as a process, built once by TestMain
// (with the race detector when the tests have it).
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lro-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "lro")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building lro: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is how one run of lro ended.
type result struct {
	stdout, stderr string
	code           int
}

// runLro runs the binary to its end with stdin (may be nil), extra environment
// variables, and args.
func runLro(t *testing.T, stdin io.Reader, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := runWithin(t, cmd, 2*time.Minute)
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("lro %q: %v", args, err)
		}
		if code = ee.ExitCode(); code < 0 {
			t.Fatalf("lro %q was killed (it ran too long): %v\nstdout: %q\nstderr:\n%s", args, err, stdout.String(), stderr.String())
		}
	}
	return result{stdout.String(), stderr.String(), code}
}

// runWithin runs cmd, killing it if it outlives d.
func runWithin(t *testing.T, cmd *exec.Cmd, d time.Duration) error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(d, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	return cmd.Wait()
}

// wantCode fails the test unless r exited with code.
func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout: %q\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

// noControl fails the test if s, output meant for a log, holds a control
// character other than a newline (escape codes, carriage returns).
func noControl(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f) {
			t.Fatalf("%s has control character %q at byte %d:\n%q", what, r, i, s)
		}
	}
}

// proc is an lro process running in the background, its output collected.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error

	mu             sync.Mutex
	stdout, stderr bytes.Buffer
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// start starts lro in the background; the test kills it at its end.
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = lockedWriter{&p.mu, &p.stdout}
	p.cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// output returns what the process wrote so far.
func (p *proc) output() (stdout, stderr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String(), p.stderr.String()
}

// waitFor waits until the process's stdout or stderr matches re, and returns
// the match; it fails the test after d or if the process ends first.
func (p *proc) waitFor(t *testing.T, re *regexp.Regexp, stderr bool, d time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		out, errOut := p.output()
		s := out
		if stderr {
			s = errOut
		}
		if m := re.FindStringSubmatch(s); m != nil {
			return m
		}
		select {
		case <-p.done:
			out, errOut = p.output()
			t.Fatalf("process ended before %s appeared\nstdout: %q\nstderr:\n%s", re, out, errOut)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %s\nstdout: %q\nstderr:\n%s", re, d, out, errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait waits for the process to end and returns its exit code.
func (p *proc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		out, errOut := p.output()
		t.Fatalf("process still running after %s\nstdout: %q\nstderr:\n%s", d, out, errOut)
	}
	if ee, ok := p.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

// lines splits s into its lines, without the final newline's empty one.
func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
