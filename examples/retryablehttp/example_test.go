package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

func TestMeasure(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	defer srv.Close()
	got := measure(context.Background(), srv, srv.Transport(), time.Millisecond)
	const (
		out       = "retryablehttp(lro)"
		noRestart = "retryablehttp(lro), CheckRetry"
		in        = "lro(retryablehttp)"
	)
	want := map[string]map[string]result{
		"initial request answers 503 once": {
			out:       {Initial: 2, Polls: 2, Outcome: "200 OK"},
			noRestart: {Initial: 2, Polls: 2, Outcome: "200 OK"},
			in:        {Initial: 2, Polls: 2, Outcome: "200 OK"},
		},
		"a poll answers 503 once": {
			out:       {Initial: 1, Polls: 3, Outcome: "200 OK"},
			noRestart: {Initial: 1, Polls: 3, Outcome: "200 OK"},
			in:        {Initial: 1, Polls: 3, Outcome: "200 OK"},
		},
		"the operation fails": {
			out:       {Initial: 3, Polls: 4, Outcome: "error with a resume token"},
			noRestart: {Initial: 1, Polls: 2, Outcome: "error with a resume token"},
			in:        {Initial: 1, Polls: 2, Outcome: "error with a resume token"},
		},
		"every poll answers 503": {
			out:       {Initial: 3, Polls: 15, Outcome: "error with a resume token"},
			noRestart: {Initial: 1, Polls: 5, Outcome: "error with a resume token"},
			in:        {Initial: 1, Polls: 3, Outcome: "error with a resume token"},
		},
	}
	for c, byStacking := range want {
		for s, w := range byStacking {
			if g := got[c][s]; g != w {
				t.Errorf("%s, %s: got %+v, want %+v", c, s, g, w)
			}
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := run(context.Background(), &buf, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(buf.String()), " ") // spacing aside
	for _, line := range []string{
		"the operation fails retryablehttp(lro) 3 4 error with a resume token",
		"the operation fails lro(retryablehttp) 1 2 error with a resume token",
		"is the stacking to use",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("output lacks %q:\n%s", line, buf.String())
		}
	}
}
