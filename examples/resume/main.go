// Command resume starts a long-running operation in one process and
// finishes it in another: the first sends the request under
// lro.WithoutPolling, turns the response into a resume token with
// lro.ResumeToken, saves it and exits; the second reads the token and
// completes the operation with Transport.Resume, on a Transport of its own.
//
// Run without arguments, it does all of it: it starts a simulated service
// (lrotest), then runs itself twice, as "start" and as "finish":
//
//	go run ./examples/resume
//
// Or by hand, in two terminals:
//
//	go run ./examples/resume serve                        # prints a resource URL
//	go run ./examples/resume start -url URL -token op.token
//	go run ./examples/resume finish -token op.token
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

func main() {
	os.Exit(cli(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs a subcommand and returns the exit code.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "demo"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	resource := fs.String("url", "", "resource URL to PUT (start)")
	tokenFile := fs.String("token", "op.token", "file the resume token is saved to (start) and read from (finish)")
	interval := fs.Duration("interval", 200*time.Millisecond, "poll interval (finish)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	switch cmd {
	case "demo":
		err = demo(ctx, stdout, *interval)
	case "serve":
		err = serve(ctx, stdout)
	case "start":
		err = start(ctx, stdout, *resource, *tokenFile)
	case "finish":
		err = finish(ctx, stdout, *tokenFile, *interval)
	default:
		err = fmt.Errorf("unknown command %q (want serve, start or finish)", cmd)
	}
	if err != nil {
		fmt.Fprintln(stderr, "resume:", err)
		return 1
	}
	return 0
}

// start PUTs resource without polling and saves the operation's token.
func start(ctx context.Context, out io.Writer, resource, tokenFile string) error {
	if resource == "" {
		return errors.New("start needs -url")
	}
	client := &http.Client{Transport: lro.New(http.DefaultTransport)}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(lro.WithoutPolling(ctx), http.MethodPut, resource+"?api-version=2024-01-01",
		strings.NewReader(`{"properties":{"size":"large"}}`))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer never-in-a-token")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	token, err := lro.ResumeToken(resp)
	if err != nil {
		return err
	}
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, "[start] PUT answered %s; resume token saved; exiting\n", resp.Status)
	return nil
}

// finish reads a token and completes its operation on a fresh Transport.
func finish(ctx context.Context, out io.Writer, tokenFile string, interval time.Duration) error {
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		return err
	}
	t := lro.New(http.DefaultTransport, lro.WithPollInterval(interval), lro.WithHooks(lro.Hooks{
		Started: func(i lro.StartInfo) {
			fmt.Fprintf(out, "[finish] resuming a %s operation, last known %s\n", i.Strategy, i.Status)
		},
		Polled: func(i lro.PollInfo) {
			fmt.Fprintf(out, "[finish] poll %d: %s\n", i.Attempt, i.ServiceStatus)
		},
	}))
	defer t.CloseIdleConnections()
	resp, err := t.Resume(ctx, strings.TrimSpace(string(token)))
	if err != nil {
		// Whatever happened, the error carries a token to try again with.
		if tok, ok := lro.TokenFromError(err); ok {
			_ = os.WriteFile(tokenFile, []byte(tok), 0o600)
		}
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "[finish] %s %s: %s\n", resp.Request.Method, resp.Status, body)
	return nil
}

// serve runs a simulated service with one operation until interrupted.
func serve(ctx context.Context, out io.Writer) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	fmt.Fprintln(out, srv.Start(lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 3}))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	<-ctx.Done()
	return nil
}

// demo starts a simulated service and runs this program twice against it,
// as two separate processes: start, then finish.
func demo(ctx context.Context, out io.Writer, interval time.Duration) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 3})
	dir, err := os.MkdirTemp("", "lro-resume-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tokenFile := filepath.Join(dir, "op.token")
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for _, args := range [][]string{
		{"start", "-url", resource, "-token", tokenFile},
		{"finish", "-token", tokenFile, "-interval", interval.String()},
	} {
		cmd := exec.CommandContext(ctx, self, args...)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
	}
	fmt.Fprintf(out, "the service saw %d requests\n", srv.Count(resource))
	return nil
}

// childEnv marks the processes demo starts, so that a test binary standing
// in for this program runs cli instead of its tests.
const childEnv = "LRO_RESUME_EXAMPLE_CHILD"
