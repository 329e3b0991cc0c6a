package body

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

var reqURL, _ = url.Parse("https://svc.example.com/res/r1?api-version=1")

func TestStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method  string
		status  int
		header  string // a monitor header an earlier strategy refused
		body    string
		want    bool
		service string
		status2 strategies.Status
	}{
		{"PUT", 201, "", `{"properties":{"provisioningState":"Creating"}}`, true, "Creating", strategies.InProgress},
		{"PATCH", 200, "", `{"properties":{"provisioningState":"Updating"}}`, true, "Updating", strategies.InProgress},
		// A final state is the resource itself: it passes through...
		{"PUT", 200, "", `{"properties":{"provisioningState":"Succeeded"}}`, false, "", ""},
		// ...unless a monitor header said "operation" (and was refused).
		{"PUT", 200, "Azure-AsyncOperation", `{"properties":{"provisioningState":"Succeeded"}}`, true, "Succeeded", strategies.Succeeded},
		{"PUT", 201, "Operation-Location", `{"properties":{"provisioningState":"Failed"}}`, true, "Failed", strategies.Failed},
		{"PUT", 202, "", `{"properties":{"provisioningState":"Creating"}}`, false, "", ""},
		{"POST", 200, "", `{"properties":{"provisioningState":"Creating"}}`, false, "", ""},
		{"DELETE", 200, "", `{"properties":{"provisioningState":"Deleting"}}`, false, "", ""},
		{"PUT", 201, "", `{"id":"r1"}`, false, "", ""},
		{"PUT", 201, "", `not json`, false, "", ""},
		{"PUT", 201, "", ``, false, "", ""},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.header != "" {
			h.Set(tc.header, "not a URL\x7f")
		}
		if got := New().Applies(tc.method, reqURL, tc.status, h); got != (tc.status != 202 && (tc.method == "PUT" || tc.method == "PATCH")) {
			t.Errorf("Applies(%s %d) = %t", tc.method, tc.status, got)
		}
		op, err := New().Start(&strategies.Initial{Method: tc.method, URL: reqURL,
			Response: &strategies.Response{StatusCode: tc.status, Header: h, Body: []byte(tc.body), URL: reqURL}})
		if err != nil {
			t.Errorf("Start(%s %d %s) error: %v", tc.method, tc.status, tc.body, err)
			continue
		}
		if (op != nil) != tc.want {
			t.Errorf("Start(%s %d %s) = %+v, want an operation: %v", tc.method, tc.status, tc.body, op, tc.want)
			continue
		}
		if op != nil && (op.PollURL != reqURL.String() || op.URL != reqURL.String() || op.Strategy != Name ||
			op.Status != tc.status2 || op.ServiceStatus != tc.service) {
			t.Errorf("Start(%s %d %s) = %+v, want polling the original URL", tc.method, tc.status, tc.body, op)
		}
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		body    string
		want    strategies.Status
		service string
		wantErr error
	}{
		{"202", 202, "", strategies.InProgress, "Creating", nil},
		{"204", 204, "", strategies.Succeeded, "", nil},
		{"creating", 200, `{"properties":{"provisioningState":"Creating"}}`, strategies.InProgress, "Creating", nil},
		{"succeeded", 200, `{"properties":{"provisioningState":"Succeeded"}}`, strategies.Succeeded, "Succeeded", nil},
		{"no state is success", 200, `{"id":"r1"}`, strategies.Succeeded, "", nil},
		{"failed", 201, `{"properties":{"provisioningState":"Failed"}}`, strategies.Failed, "Failed", nil},
		{"cancelled", 200, `{"properties":{"provisioningState":"Cancelled"}}`, strategies.Canceled, "Cancelled", nil},
		{"empty", 200, "", "", "", strategies.ErrEmptyBody},
		{"not JSON", 200, "<html>", "", "", strategies.ErrInvalidBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := &strategies.Operation{Strategy: Name, Method: "PUT", URL: reqURL.String(), PollURL: reqURL.String(),
				Status: strategies.InProgress, ServiceStatus: "Creating"}
			err := New().Update(op, &strategies.Response{StatusCode: tc.status, Header: http.Header{}, Body: []byte(tc.body), URL: reqURL})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("Update error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || op.Status != tc.want || op.ServiceStatus != tc.service {
				t.Errorf("Update = %v: status %q service %q; want %q %q", err, op.Status, op.ServiceStatus, tc.want, tc.service)
			}
			if got := New().Result(op, &strategies.Response{StatusCode: tc.status}); got != (strategies.Result{}) {
				t.Errorf("Result = %+v, want the zero Result: the last GET is the result", got)
			}
		})
	}
}
