package lrotest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

func TestRecorder(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	t.Cleanup(s.Close)
	res := s.Start(lrotest.Scenario{Protocol: lrotest.Location, Polls: 1})
	rec := &lrotest.Recorder{Base: s.Transport()}

	req, _ := http.NewRequest(http.MethodPost, res, strings.NewReader(`{}`))
	req.Header.Set("X-Test", "1")
	resp, err := rec.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Test", "changed after sending")
	if err := rec.CheckBodies(); err == nil {
		t.Error("CheckBodies = nil with a body still open")
	}
	if got := rec.Open(); got != 1 {
		t.Errorf("Open = %d, want 1", got)
	}
	resp.Body.Close()
	if err := rec.CheckBodies(); err != nil {
		t.Errorf("CheckBodies after one Close: %v", err)
	}
	resp.Body.Close()
	if err := rec.CheckBodies(); err == nil || !strings.Contains(err.Error(), "closed 2 times") {
		t.Errorf("CheckBodies after two Closes = %v, want one saying closed 2 times", err)
	}

	sent := rec.Sent()
	if len(sent) != 1 {
		t.Fatalf("Sent = %v, want 1 request", sent)
	}
	got := sent[0]
	if got.Request != req || got.Method != http.MethodPost || got.URL.String() != res || got.Status != http.StatusAccepted || got.Err != nil {
		t.Errorf("Sent[0] = %+v, want the POST of %s answered 202", got, res)
	}
	if v := got.Header.Get("X-Test"); v != "1" {
		t.Errorf("recorded header X-Test = %q, want the value as sent, 1", v)
	}
	if want := "POST " + res; !equal(rec.Lines(), []string{want}) {
		t.Errorf("Lines = %q, want [%q]", rec.Lines(), want)
	}
	if got := rec.Take(); len(got) != 1 || len(rec.Sent()) != 0 || rec.Count() != 1 {
		t.Errorf("Take = %d requests, then Sent = %d, Count = %d; want 1, 0, 1", len(got), len(rec.Sent()), rec.Count())
	}
}

func TestRecorderCountOnly(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	t.Cleanup(s.Close)
	res := s.Start(lrotest.Scenario{Protocol: lrotest.Synchronous})
	rec := &lrotest.Recorder{Base: s.Transport(), CountOnly: true}
	for range 3 {
		resp, err := rec.RoundTrip(httptestGet(t, res))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := rec.RoundTrip(httptestGet(t, res))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Count() != 4 || len(rec.Sent()) != 0 {
		t.Errorf("Count = %d, Sent = %d; want 4, 0", rec.Count(), len(rec.Sent()))
	}
	if err := rec.CheckBodies(); err == nil || !strings.Contains(err.Error(), "1 response bodies not closed") {
		t.Errorf("CheckBodies = %v, want 1 not closed", err)
	}
	resp.Body.Close()
	resp.Body.Close()
	if err := rec.CheckBodies(); err == nil || !strings.Contains(err.Error(), "1 response bodies closed more than once") {
		t.Errorf("CheckBodies = %v, want 1 closed more than once", err)
	}
}

func TestRecorderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	rec := &lrotest.Recorder{Base: failing{boom}}
	_, err := rec.RoundTrip(httptestGet(t, "http://svc.test/x"))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	sent := rec.Sent()
	if len(sent) != 1 || !errors.Is(sent[0].Err, boom) || sent[0].Status != 0 {
		t.Errorf("Sent = %+v, want one request with Err boom and no status", sent)
	}
	if got, want := sent[0].String(), "GET http://svc.test/x -> boom"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

type failing struct{ err error }

func (f failing) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

func httptestGet(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func equal(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

// A test of code that uses lro: the simulated service runs a PUT as an
// Operation-Location operation, a Recorder below lro sees every request it
// sends, and the test checks the result, the requests and that every
// response body was closed.
func ExampleRecorder() {
	s := lrotest.NewServer()
	defer s.Close()
	res := s.Start(lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1})

	rec := &lrotest.Recorder{Base: s.Transport()}
	client := &http.Client{Transport: lro.New(rec, lro.WithPollInterval(time.Millisecond))}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPut, res, strings.NewReader(`{}`))
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err) // a test would call t.Fatal
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	fmt.Println(resp.StatusCode, string(body))
	for _, r := range rec.Sent() {
		fmt.Println(r.Method, strings.TrimPrefix(r.URL.String(), s.URL), r.Status)
	}
	fmt.Println("bodies:", rec.CheckBodies())
	// Output:
	// 200 {"id":"/resources/op1","name":"op1","properties":{"provisioningState":"Succeeded"}}
	// PUT /resources/op1 201
	// GET /operations/op1 200
	// GET /operations/op1 200
	// GET /resources/op1 200
	// bodies: <nil>
}
