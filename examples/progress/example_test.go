package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	var frames []string
	for _, f := range strings.Split(out.String(), "\r") {
		if f = strings.TrimRight(f, " "); f != "" {
			frames = append(frames, f)
		}
	}
	want := []string{
		"create [..............................]   0% started",
		"create [###...........................]  10% Running",
		"create [######........................]  20% Running",
		"create [#########.....................]  30% Running",
		"create [############..................]  40% Running",
		"create [###############...............]  50% Running",
		"create [##################............]  60% Running",
		"create [#####################.........]  70% Running",
		"create [########################......]  80% Running",
		"create [###########################...]  90% Running",
		"create [##############################] 100% Succeeded\ncreate: 200 OK after 12 requests\n",
		"delete [..............................]   0% started",
		"delete / poll 1: InProgress",
		"delete - poll 2: InProgress",
		`delete \ poll 3: InProgress`,
		"delete | poll 4: InProgress",
		"delete / poll 5: InProgress",
		"delete - poll 6: Succeeded",
		"delete [##############################] 100% Succeeded\ndelete: 204 No Content after 7 requests\n",
	}
	if len(frames) != len(want) {
		t.Fatalf("got %d frames, want %d:\n%q", len(frames), len(want), frames)
	}
	for i := range want {
		if frames[i] != want[i] {
			t.Errorf("frame %d = %q, want %q", i, frames[i], want[i])
		}
	}
}

// A failed operation leaves the bar where it was and ends the line.
func TestBarOnFailure(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	defer srv.Close()
	var out bytes.Buffer
	client := &http.Client{Transport: lro.New(srv.Transport(), lro.WithPollInterval(time.Millisecond),
		lro.WithHooks(NewBar(&out, "job").Hooks()))}
	_, err := client.Post(srv.Start(lrotest.Scenario{Polls: 1, Terminal: "Failed", PercentComplete: true}), "application/json", nil)
	var oe *lro.OperationError
	if !errors.As(err, &oe) {
		t.Fatalf("err = %v", err)
	}
	if got, want := out.String(), "\rjob [..............................]   0% started"+
		"\rjob [###############...............]  50% Running"+
		"\rjob [##############################] 100% Failed \n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
