package lrotest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	const (
		put = http.MethodPut
		mon = "/operations/op1"
		run = `{"id":"op1","status":"Running"}`
	)
	tests := []struct {
		name  string
		sc    lrotest.Scenario
		steps []step
	}{
		{"404 then appear", lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{N: 1, Count: 2, Status: 404}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 404, `{"error":{"code":"NotFound","message":"injected fault"}}`),
			get(mon, 404, `{"error":{"code":"NotFound","message":"injected fault"}}`),
			get(mon, 200, run),
			get(mon, 200, opOK),
		}},
		{"429 burst with Retry-After", lrotest.Scenario{Polls: 1, RetryAfterMS: true, Faults: []lrotest.Fault{{Step: lrotest.Poll, N: 2, Count: 2, Status: 429, RetryAfter: 2 * time.Second}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, run),
			{"GET", mon, 429, map[string]string{"Retry-After": "2", "Retry-After-Ms": "2000"}, `{"error":{"code":"TooManyRequests","message":"injected fault"}}`},
			{"GET", mon, 429, map[string]string{"Retry-After": "2"}, `{"error":{"code":"TooManyRequests","message":"injected fault"}}`},
			{"GET", mon, 200, map[string]string{"Retry-After": ""}, opOK},
		}},
		{"503 on the initial request", lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Initial, Status: 503, RetryAfter: time.Second}}}, []step{
			{put, "", 503, map[string]string{"Retry-After": "1", "Operation-Location": ""}, `{"error":{"code":"ServiceUnavailable","message":"injected fault"}}`},
			get(mon, 404, notFound),
			get("", 404, `{"error":{"code":"ResourceNotFound","message":"no such resource"}}`),
			{put, "", 201, map[string]string{"Operation-Location": "{base}/operations/op1"}, doc("Creating")},
			get(mon, 200, opOK),
		}},
		{"500 on the final GET", lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Final, Status: 500}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, opOK),
			get("", 500, `{"error":{"code":"InternalServerError","message":"injected fault"}}`),
			get("", 200, doc("Succeeded")),
		}},
		{"every poll from N on", lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{N: 2, Count: -1, Status: 502}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, run),
			get(mon, 502, `{"error":{"code":"BadGateway","message":"injected fault"}}`),
			get(mon, 502, `{"error":{"code":"BadGateway","message":"injected fault"}}`),
			get(mon, 502, `{"error":{"code":"BadGateway","message":"injected fault"}}`),
		}},
		{"redirect", lrotest.Scenario{Faults: []lrotest.Fault{{Redirect: "/operations/op1/moved"}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			{"GET", mon, 307, map[string]string{"Location": "/operations/op1/moved"}, ""},
			get("@Location", 200, opOK),
		}},
		{"redirect loop", lrotest.Scenario{Faults: []lrotest.Fault{{Count: -1, Status: 302, Redirect: "/operations/op1"}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			{"GET", mon, 302, map[string]string{"Location": "/operations/op1"}, ""},
			{"GET", "@Location", 302, map[string]string{"Location": "/operations/op1"}, ""},
			{"GET", "@Location", 302, map[string]string{"Location": "/operations/op1"}, ""},
		}},
		{"malformed body", lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{N: 1, Body: `{"status":`}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, `{"status":`),
			get(mon, 200, run),
			get(mon, 200, opOK),
		}},
		{"first matching fault wins", lrotest.Scenario{Faults: []lrotest.Fault{{N: 1, Status: 429}, {N: 1, Count: 2, Status: 503}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 429, `{"error":{"code":"TooManyRequests","message":"injected fault"}}`),
			get(mon, 503, `{"error":{"code":"ServiceUnavailable","message":"injected fault"}}`),
			get(mon, 200, opOK),
		}},
		{"delay alone keeps the answer", lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{N: 1, Delay: time.Millisecond}}}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, run),
			get(mon, 200, opOK),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := lrotest.NewServer()
			defer s.Close()
			res := s.Start(tt.sc)
			play(t, noRedirect(s), s.URL, res, tt.steps)
		})
	}
}

// transports runs f against a socket server and against Transport.
func transports(t *testing.T, f func(t *testing.T, s *lrotest.Server, c *http.Client)) {
	t.Run("socket", func(t *testing.T) {
		t.Parallel()
		s := lrotest.NewServer()
		defer s.Close()
		f(t, s, s.Client())
	})
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		s := lrotest.NewServer()
		defer s.Close()
		f(t, s, &http.Client{Transport: s.Transport()})
	})
}

func TestDelay(t *testing.T) {
	t.Parallel()
	transports(t, func(t *testing.T, s *lrotest.Server, c *http.Client) {
		res := s.Start(lrotest.Scenario{Faults: []lrotest.Fault{{N: 1, Delay: 50 * time.Millisecond}, {N: 2, Delay: time.Hour}}})
		do(t, c, http.MethodPut, res)
		start := time.Now()
		if status, _, body := do(t, c, http.MethodGet, s.URL+"/operations/op1"); status != 200 || body != opOK {
			t.Errorf("delayed poll = %d %s, want 200 %s", status, body, opOK)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Errorf("delayed poll took %v, want at least 50ms", d)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/operations/op1", nil)
		if _, err := c.Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hour-long poll: err = %v, want %v", err, context.DeadlineExceeded)
		}
	})
}

func TestReset(t *testing.T) {
	t.Parallel()
	transports(t, func(t *testing.T, s *lrotest.Server, c *http.Client) {
		res := s.Start(lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{N: 1, Reset: true}}})
		do(t, c, http.MethodPut, res)
		resp, err := c.Get(s.URL + "/operations/op1")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("reading a cut body: err = %v, want %v", err, io.ErrUnexpectedEOF)
		}
		if got, want := string(b), `{"id":"op1","st`; resp.StatusCode != 200 || got != want {
			t.Errorf("cut answer = %d %q, want 200 %q", resp.StatusCode, got, want)
		}
		// The cut poll did not count: the next one is still in progress.
		if status, _, body := do(t, c, http.MethodGet, s.URL+"/operations/op1"); body != `{"id":"op1","status":"Running"}` {
			t.Errorf("poll after the cut = %d %s, want Running", status, body)
		}
	})
}

// TestEndless: an endless answer has its headers without a length, then
// half the body and a space every 10 ms, until the client gives up. The
// client gives up by cancelling once it has read the half body and several
// spaces (whenever they come: the test waits on bytes, not on a duration),
// and the read then fails with the cancel, not io.EOF.
func TestEndless(t *testing.T) {
	t.Parallel()
	transports(t, func(t *testing.T, s *lrotest.Server, c *http.Client) {
		res := s.Start(lrotest.Scenario{Faults: []lrotest.Fault{{Endless: true}}})
		do(t, c, http.MethodPut, res)
		// The minute only stops a body that stalls from hanging the test.
		watchdog, stop := context.WithTimeout(context.Background(), time.Minute)
		defer stop()
		ctx, cancel := context.WithCancel(watchdog)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/operations/op1", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.ContentLength != -1 {
			t.Errorf("endless answer: status %d, length %d; want 200, -1", resp.StatusCode, resp.ContentLength)
		}
		want := `{"id":"op1","sta    `
		b := make([]byte, len(want))
		if _, err := io.ReadFull(resp.Body, b); err != nil || string(b) != want {
			t.Fatalf("endless body starts %q (err %v), want %q", b, err, want)
		}
		cancel()
		rest, err := io.ReadAll(resp.Body)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("reading an endless body after cancelling: err = %v, want %v", err, context.Canceled)
		}
		if strings.Trim(string(rest), " ") != "" {
			t.Errorf("endless body goes on with %q, want spaces only", rest)
		}
		if status, _, body := do(t, c, http.MethodGet, s.URL+"/operations/op1"); status != 200 || body != opOK {
			t.Errorf("poll after the endless one = %d %s, want 200 %s", status, body, opOK)
		}
	})
}

func TestCloseEndsEndlessBodies(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	res := s.Start(lrotest.Scenario{Faults: []lrotest.Fault{{Endless: true}, {N: 2, Delay: time.Hour}}})
	c := s.Client()
	do(t, c, http.MethodPut, res)
	resp, err := c.Get(s.URL + "/operations/op1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	held := make(chan struct{})
	go func() { // held back for an hour
		defer close(held)
		if resp, err := c.Get(s.URL + "/operations/op1"); err == nil {
			resp.Body.Close()
		}
	}()
	for s.Count(res) < 3 {
		time.Sleep(time.Millisecond)
	}
	done := make(chan struct{})
	go func() {
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs on an endless body and a delayed answer")
	}
	io.Copy(io.Discard, resp.Body) // the body ends
	<-held
}
