package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out, time.Millisecond); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	want := `== level 1: polling strategy
analyze ended Succeeded: 200 {"id":"op1","status":"Succeeded","result":{"name":"op1","result":"done"}}
analyze ended ValidationFailed: validation failed: OperationFailed: operation op2 ended ValidationFailed
== level 2: polling method
started file-upload, polling /files/f1
poll 1: 404 notFound=true status=InProgress
poll 2: 404 notFound=true status=InProgress
poll 3: 200 notFound=false status=Succeeded
uploaded f1: Uploaded, 1024 bytes
resumed from a token: f2 Uploaded
== level 3: poller API
a.bin: status InProgress, done false
a.bin: status InProgress, done false
a.bin: status InProgress, done false
callback a.bin: f1 Uploaded
a.bin: status Succeeded, done true
b.bin: cancel accepted
callback b.bin: lro: operation Canceled
b.bin: status Canceled, done true
b.bin: wait after cancel: lro: operation Canceled
b.bin: cancel again: 409
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// Level 1: the error is reachable with errors.As through http.Client's
// *url.Error and lro's *PollError, which carries a resume token; without
// the custom strategy, the operation would run until WithMaxWait.
func TestValidationFailed(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	defer srv.Close()
	tests := []struct {
		name    string
		opts    []lro.Option
		wantErr func(error) bool
	}{
		{"custom strategy", []lro.Option{lro.WithStrategies(validatingChain()...)}, func(err error) bool {
			var ve *ValidationError
			var pe *lro.PollError
			var ue *url.Error
			_, hasToken := lro.TokenFromError(err)
			return errors.As(err, &ve) && ve.Code == "OperationFailed" && errors.As(err, &pe) && errors.As(err, &ue) && hasToken
		}},
		{"default strategies", nil, func(err error) bool { return errors.Is(err, lro.ErrMaxWait) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := srv.Start(lrotest.Scenario{Polls: 1, Terminal: "ValidationFailed"})
			tr := lro.New(srv.Transport(), append(tt.opts, lro.WithPollInterval(time.Millisecond), lro.WithMaxWait(200*time.Millisecond))...)
			_, err := (&http.Client{Transport: tr}).Post(res, "application/json", strings.NewReader(`{}`))
			if !tt.wantErr(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestUploadStrategy(t *testing.T) {
	t.Parallel()
	s := uploadStrategy{}
	u, _ := url.Parse("https://files.test/files")
	claims := []struct {
		method string
		path   string
		status int
		want   bool
	}{
		{http.MethodPost, "/files", 202, true},
		{http.MethodPost, "/files/", 202, true},
		{http.MethodPost, "/files", 200, false},
		{http.MethodPut, "/files", 202, false},
		{http.MethodPost, "/other", 202, false},
	}
	for _, c := range claims {
		v := *u
		v.Path = c.path
		if got := s.Applies(c.method, &v, c.status, nil); got != c.want {
			t.Errorf("Applies(%s %s %d) = %t, want %t", c.method, c.path, c.status, got, c.want)
		}
	}

	init := &strategies.Initial{Method: http.MethodPost, URL: u,
		Response: &strategies.Response{StatusCode: 202, Body: []byte(`{"file_id":"a b"}`), URL: u}}
	op, err := s.Start(init)
	if err != nil {
		t.Fatal(err)
	}
	if op.PollURL != "https://files.test/files/a%20b" || string(op.Data) != `{"fileID":"a b"}` {
		t.Errorf("op = %+v (data %s)", op, op.Data)
	}
	method, target, err := s.CancelRequest(op)
	if err != nil || method != http.MethodPost || target != "https://files.test/files/a%20b/cancel" {
		t.Errorf("CancelRequest = %s %s %v", method, target, err)
	}
	init.Response.Body = []byte(`{}`)
	if _, err := s.Start(init); err == nil {
		t.Error("Start accepted a 202 without file_id")
	}
	for _, tc := range []struct {
		body string
		want strategies.Status
	}{{`{"status":"Uploaded"}`, strategies.Succeeded}, {`{"status":"canceled"}`, strategies.Canceled}} {
		if err := s.Update(op, &strategies.Response{StatusCode: 200, Body: []byte(tc.body), URL: u}); err != nil || op.Status != tc.want {
			t.Errorf("Update(%s): status %s, err %v; want %s", tc.body, op.Status, err, tc.want)
		}
	}
	if err := s.Update(op, &strategies.Response{StatusCode: 200, Body: []byte(`nope`), URL: u}); err == nil {
		t.Error("Update accepted a body that is not JSON")
	}
}

// Level 3: a poller rebuilt from its token in another client, and Wait
// ending with its context: the upload goes on, and the token is kept.
func TestPollerWaitContext(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newFileService(1000).Handler())
	defer srv.Close()
	client := NewFileClient(srv.URL, time.Millisecond)
	p, err := client.BeginUpload(context.Background(), "big.iso")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := p.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait err = %v, want DeadlineExceeded", err)
	}
	if p.Done() || p.ContinuationToken() == "" {
		t.Fatalf("after Wait's context ended: done %t, token %q", p.Done(), p.ContinuationToken())
	}
	q := NewFileClient(srv.URL, time.Millisecond).UploadPollerFromToken(p.ContinuationToken())
	if err := q.Cancel(context.Background()); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	var got []error
	q.AddDoneCallback(func(_ *File, err error) { got = append(got, err) })
	if st, err := q.Update(context.Background()); err != nil || st != strategies.Canceled || !q.Done() {
		t.Errorf("Update after cancel = %s, %v, done %t", st, err, q.Done())
	}
	q.AddDoneCallback(func(_ *File, err error) { got = append(got, err) }) // already done: runs at once
	var oe *lro.OperationError
	if len(got) != 2 || !errors.As(got[0], &oe) || got[0] != got[1] {
		t.Errorf("callbacks got %v", got)
	}
}
