package location

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

var reqURL, _ = url.Parse("https://svc.example.com/res/r1")

func TestStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		location string
		want     string // polling URL; "" means none
		wantErr  bool
	}{
		{"202 absolute", 202, "https://svc.example.com/status/1", "https://svc.example.com/status/1", false},
		{"202 relative", 202, "status/1", "https://svc.example.com/res/status/1", false},
		{"202 without Location", 202, "", "", false},
		{"201 with Location", 201, "/status/1", "", false},
		{"200 with Location", 200, "/status/1", "", false},
		{"202 invalid", 202, "ftp://svc.example.com/x", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.location != "" {
				h.Set("Location", tc.location)
			}
			op, err := New().Start(&strategies.Initial{Method: "DELETE", URL: reqURL,
				Response: &strategies.Response{StatusCode: tc.status, Header: h, URL: reqURL}})
			switch {
			case tc.wantErr:
				if op != nil || !errors.Is(err, strategies.ErrInvalidURL) {
					t.Errorf("Start = %+v, %v; want an ErrInvalidURL error", op, err)
				}
			case tc.want == "":
				if op != nil || err != nil {
					t.Errorf("Start = %+v, %v; want nil, nil", op, err)
				}
			case err != nil || op == nil:
				t.Errorf("Start = %+v, %v; want an operation", op, err)
			case op.PollURL != tc.want || op.Location != tc.want || op.Strategy != Name || op.Status != strategies.InProgress || op.URL != reqURL.String():
				t.Errorf("Start = %+v, want polling %s", op, tc.want)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	pollURL, _ := url.Parse("https://svc.example.com/status/1")
	tests := []struct {
		name     string
		status   int
		location string
		body     string
		want     strategies.Status
		service  string
		pollURL  string
		wantErr  bool
	}{
		{"202 stays", 202, "", "", strategies.InProgress, "", pollURL.String(), false},
		{"202 hops", 202, "/status/2", "", strategies.InProgress, "", "https://svc.example.com/status/2", false},
		{"202 invalid hop", 202, "ftp://x/y", "", "", "", "", true},
		{"200 done", 200, "", `{"id":"r1"}`, strategies.Succeeded, "", pollURL.String(), false},
		{"200 not JSON done", 200, "", `plain text`, strategies.Succeeded, "", pollURL.String(), false},
		{"201 done", 201, "", "", strategies.Succeeded, "", pollURL.String(), false},
		{"204 done", 204, "", "", strategies.Succeeded, "", pollURL.String(), false},
		{"200 provisioning running", 200, "", `{"properties":{"provisioningState":"Updating"}}`, strategies.InProgress, "Updating", pollURL.String(), false},
		{"200 provisioning failed", 200, "", `{"properties":{"provisioningState":"Failed"}}`, strategies.Failed, "Failed", pollURL.String(), false},
		{"200 provisioning canceled", 200, "", `{"properties":{"provisioningState":"Canceled"}}`, strategies.Canceled, "Canceled", pollURL.String(), false},
		{"200 status Failed", 200, "", `{"status":"Failed","error":{"code":"Conflict","message":"m"}}`, strategies.Failed, "Failed", pollURL.String(), false},
		{"200 status failed, any case", 200, "", `{"status":"fAILED"}`, strategies.Failed, "fAILED", pollURL.String(), false},
		{"200 status Cancelled", 200, "", `{"status":"Cancelled"}`, strategies.Canceled, "Cancelled", pollURL.String(), false},
		{"201 status Canceled", 201, "", `{"status":"canceled"}`, strategies.Canceled, "canceled", pollURL.String(), false},
		{"200 status Failed beats provisioningState", 200, "", `{"status":"Failed","properties":{"provisioningState":"Succeeded"}}`, strategies.Failed, "Failed", pollURL.String(), false},
		{"200 resource status Running stays done", 200, "", `{"id":"r1","status":"Running"}`, strategies.Succeeded, "", pollURL.String(), false},
		{"200 resource status Succeeded done", 200, "", `{"status":"Succeeded"}`, strategies.Succeeded, "", pollURL.String(), false},
		{"200 nested status Failed is not the operation's", 200, "", `{"job":{"status":"Failed"}}`, strategies.Succeeded, "", pollURL.String(), false},
		{"202 status Failed ends", 202, "/status/2", `{"status":"Failed"}`, strategies.Failed, "Failed", pollURL.String(), false},
		{"202 status Running polls", 202, "", `{"status":"Running"}`, strategies.InProgress, "", pollURL.String(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.location != "" {
				h.Set("Location", tc.location)
			}
			op := &strategies.Operation{Strategy: Name, Method: "PUT", PollURL: pollURL.String(), Status: strategies.InProgress}
			err := New().Update(op, &strategies.Response{StatusCode: tc.status, Header: h, Body: []byte(tc.body), URL: pollURL})
			if tc.wantErr {
				if !errors.Is(err, strategies.ErrInvalidURL) {
					t.Errorf("Update error = %v, want ErrInvalidURL", err)
				}
				return
			}
			if err != nil || op.Status != tc.want || op.ServiceStatus != tc.service || op.PollURL != tc.pollURL {
				t.Errorf("Update = %v: status %q service %q poll %q; want %q %q %q", err, op.Status, op.ServiceStatus, op.PollURL, tc.want, tc.service, tc.pollURL)
			}
			if got := New().Result(op, &strategies.Response{StatusCode: tc.status}); got != (strategies.Result{}) {
				t.Errorf("Result = %+v, want the zero Result: the last poll is the result", got)
			}
		})
	}
}
