package graph_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/graph"
)

const (
	copyURL = "https://graph.microsoft.com/v1.0/me/drive/items/1/copy"
	monitor = "https://contoso-my.sharepoint.com/personal/a/_api/v2.0/monitor/abc"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func start(t *testing.T, reqURL, location, body string) (*strategies.Operation, error) {
	t.Helper()
	u := mustURL(t, reqURL)
	h := http.Header{}
	if location != "" {
		h.Set("Location", location)
	}
	return graph.New().Start(&strategies.Initial{Method: "POST", URL: u,
		Response: &strategies.Response{StatusCode: 202, Header: h, Body: []byte(body), URL: u, Initial: true}})
}

func TestStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, reqURL, location, body string
		wantPoll                     string
		wantStatus                   strategies.Status
	}{
		{"copy monitor on another host", copyURL, monitor, "", monitor, strategies.InProgress},
		{"teams path under the version", "https://graph.microsoft.com/v1.0/teams/t1/clone", "/teams('t2')/operations('o1')", "",
			"https://graph.microsoft.com/v1.0/teams('t2')/operations('o1')", strategies.InProgress},
		{"beta path already versioned", "https://graph.microsoft.com/beta/x/restore", "/beta/ops/1", "", "https://graph.microsoft.com/beta/ops/1", strategies.InProgress},
		{"done in the initial body", copyURL, monitor, `{"status":"completed"}`, monitor, strategies.Succeeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op, err := start(t, tc.reqURL, tc.location, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if op.PollURL != tc.wantPoll || op.Status != tc.wantStatus {
				t.Errorf("got poll %q status %s, want %q %s", op.PollURL, op.Status, tc.wantPoll, tc.wantStatus)
			}
		})
	}
	if op, err := start(t, copyURL, "", ""); op != nil || err != nil {
		t.Errorf("no Location: got %v, %v; want nil, nil", op, err)
	}
	if _, err := start(t, copyURL, "ftp://x/y", ""); !errors.Is(err, strategies.ErrInvalidURL) {
		t.Errorf("ftp Location: err = %v, want ErrInvalidURL", err)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		code       int
		body       string
		from       string // URL the answer came from; "" = the monitor
		wantStatus strategies.Status
		wantErr    bool
		progress   float64
		hasProg    bool
		code2, msg string
		resultURL  string
		resultGet  string
	}{
		{name: "in progress with percentage", code: 202, body: `{"operation":"itemCopy","percentageComplete":40,"status":"inProgress"}`,
			wantStatus: strategies.InProgress, progress: 40, hasProg: true},
		{name: "notStarted", code: 202, body: `{"status":"notStarted"}`, wantStatus: strategies.InProgress},
		{name: "waiting in a 200", code: 200, body: `{"status":"waiting"}`, wantStatus: strategies.InProgress},
		{name: "updating", code: 200, body: `{"status":"Updating"}`, wantStatus: strategies.InProgress},
		{name: "completed in a 202", code: 202, body: `{"status":"completed","percentageComplete":100,"resourceId":"01X"}`,
			wantStatus: strategies.Succeeded, progress: 100, hasProg: true},
		{name: "rich LRO succeeded with resourceLocation", code: 200,
			body:       `{"id":"o","status":"succeeded","resourceLocation":"https://graph.microsoft.com/v1.0/items/9"}`,
			wantStatus: strategies.Succeeded, resultURL: "https://graph.microsoft.com/v1.0/items/9", resultGet: "https://graph.microsoft.com/v1.0/items/9"},
		{name: "failed with error object", code: 200, body: `{"status":"failed","error":{"code":"nameAlreadyExists","message":"An item with that name exists."}}`,
			wantStatus: strategies.Failed, code2: "nameAlreadyExists", msg: "An item with that name exists."},
		{name: "deleteFailed with statusDescription", code: 200, body: `{"status":"deleteFailed","statusDescription":"Locked"}`,
			wantStatus: strategies.Failed, msg: "Locked"},
		{name: "303 followed to the item", code: 200, body: `{"id":"01X","name":"copy.docx"}`, from: "https://graph.microsoft.com/v1.0/drives/d/items/01X",
			wantStatus: strategies.Succeeded},
		{name: "202 without a body", code: 202, body: ``, wantStatus: strategies.InProgress},
		{name: "200 without a status", code: 200, body: `{"id":"x"}`, wantErr: true},
		{name: "200 junk", code: 200, body: `<html>`, wantErr: true},
		{name: "unknown word reads as running", code: 200, body: `{"status":"unknownFutureValue"}`, wantStatus: strategies.InProgress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := &strategies.Operation{Strategy: graph.Name, PollURL: monitor, Status: strategies.InProgress}
			from := tc.from
			if from == "" {
				from = monitor
			}
			resp := &strategies.Response{StatusCode: tc.code, Body: []byte(tc.body), URL: mustURL(t, from), Header: http.Header{}}
			err := graph.New().Update(op, resp)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Update: err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if op.Status != tc.wantStatus || op.Progress != tc.progress || op.HasProgress != tc.hasProg ||
				op.ErrorCode != tc.code2 || op.ErrorMessage != tc.msg || op.ResultURL != tc.resultURL {
				t.Errorf("got %+v", op)
			}
			if op.Status == strategies.Succeeded {
				if got := graph.New().Result(op, resp).Get; got != tc.resultGet {
					t.Errorf("Result().Get = %q, want %q", got, tc.resultGet)
				}
			}
		})
	}
}
