package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lrohttp/lro/lrotest"
)

// TestMain lets demo run this test binary as its two child processes.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(cli(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// The whole demo: three processes, the service in the first.
func TestDemo(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if code := cli(context.Background(), []string{"-interval", "1ms"}, &out, &out); code != 0 {
		t.Fatalf("exit code %d:\n%s", code, out.String())
	}
	want := `[start] PUT answered 201 Created; resume token saved; exiting
[finish] resuming a operation-location operation, last known InProgress
[finish] poll 1: Running
[finish] poll 2: Running
[finish] poll 3: Running
[finish] poll 4: Succeeded
[finish] GET 200 OK: {"id":"/resources/op1","name":"op1","properties":{"provisioningState":"Succeeded"}}
the service saw 6 requests
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// start and finish in this process, checking the saved token.
func TestStartFinish(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	defer srv.Close()
	res := srv.Start(lrotest.Scenario{Polls: 1})
	tokenFile := filepath.Join(t.TempDir(), "op.token")
	var out bytes.Buffer
	if code := cli(context.Background(), []string{"start", "-url", res, "-token", tokenFile}, &out, &out); code != 0 {
		t.Fatalf("start: exit code %d: %s", code, out.String())
	}
	tok, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(tok), "never-in-a-token") || len(tok) == 0 {
		t.Errorf("token = %q", tok)
	}
	if got := srv.Count(res); got != 1 {
		t.Errorf("start sent %d requests, want 1", got)
	}
	if code := cli(context.Background(), []string{"finish", "-token", tokenFile, "-interval", "1ms"}, &out, &out); code != 0 {
		t.Fatalf("finish: exit code %d: %s", code, out.String())
	}
	if !strings.Contains(out.String(), `"provisioningState":"Succeeded"`) {
		t.Errorf("output:\n%s", out.String())
	}
	for _, r := range srv.Requests(res)[1:] {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("%s %s carried the first process's Authorization", r.Method, r.URL)
		}
	}
}

func TestBadUsage(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	for _, args := range [][]string{{"bogus"}, {"start"}, {"finish", "-token", filepath.Join(t.TempDir(), "missing")}, {"-nope"}} {
		if code := cli(context.Background(), args, &out, &out); code == 0 {
			t.Errorf("%q: exit code 0", args)
		}
	}
	garbage := filepath.Join(t.TempDir(), "garbage.token")
	os.WriteFile(garbage, []byte("not a token"), 0o600)
	out.Reset()
	if code := cli(context.Background(), []string{"finish", "-token", garbage}, &out, &out); code != 1 ||
		!strings.Contains(out.String(), "invalid resume token") {
		t.Errorf("garbage token: exit %d, %s", code, out.String())
	}
}
