package detect

import (
	"net/http"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	const u = "https://svc.example.com/ops/1"
	tests := []struct {
		method string
		status int
		h      http.Header
		want   Kind
	}{
		{"PUT", 202, hdr("Operation-Location", u), Headers},
		{"POST", 202, hdr("Azure-AsyncOperation", u), Headers},
		{"DELETE", 202, hdr("Location", u), Headers},
		{"GET", 202, hdr("location", u), Headers},
		{"POST", 202, nil, None},
		{"POST", 202, hdr("Operation-Location", ""), None},
		{"PUT", 201, hdr("Operation-Location", u), Headers},
		{"POST", 200, hdr("Azure-AsyncOperation", u), Headers},
		{"PUT", 201, hdr("Location", u), Body},
		{"POST", 201, hdr("Location", u), None},
		{"PUT", 200, nil, Body},
		{"PATCH", 201, nil, Body},
		{"POST", 200, nil, None},
		{"DELETE", 200, nil, None},
		{"GET", 200, nil, None},
		{"PUT", 204, hdr("Operation-Location", u), None},
		{"PUT", 302, hdr("Location", u), None},
		{"PUT", 303, hdr("Operation-Location", u), None},
		{"PUT", 400, hdr("Operation-Location", u), None},
		{"POST", 500, hdr("Azure-AsyncOperation", u), None},
	}
	for _, tc := range tests {
		if got := Classify(tc.method, tc.status, tc.h); got != tc.want {
			t.Errorf("Classify(%s, %d, %v) = %d, want %d", tc.method, tc.status, tc.h, got, tc.want)
		}
	}
}

func TestStartsByBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want bool
	}{
		{`{"properties":{"provisioningState":"Creating"}}`, true},
		{`{"properties":{"provisioningState":"Accepted"}}`, true},
		{`{"properties":{"provisioningState":"updating"}}`, true},
		{`{"properties":{"provisioningState":""}}`, true},
		{`{"properties":{"provisioningState":"Succeeded"}}`, false},
		{`{"properties":{"provisioningState":"failed"}}`, false},
		{`{"properties":{"provisioningState":"Canceled"}}`, false},
		{`{"properties":{"provisioningState":"Cancelled"}}`, false},
		{`{"properties":{"provisioningState":7}}`, false},
		{`{"provisioningState":"Creating"}`, false},
		{`{"properties":"provisioningState"}`, false},
		{`{"properties":{"provisioningState":"Creating"}`, false},
		{`["provisioningState"]`, false},
		{`{"name":"x"}`, false},
		{``, false},
	}
	for _, tc := range tests {
		if got := StartsByBody([]byte(tc.body)); got != tc.want {
			t.Errorf("StartsByBody(%s) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

func TestInitialState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		st      strategies.Status
		service string
		ok      bool
	}{
		{`{"status":"Succeeded"}`, strategies.Succeeded, "Succeeded", true},
		{`{"status":"failed"}`, strategies.Failed, "failed", true},
		{`{"status":"Cancelled"}`, strategies.Canceled, "Cancelled", true},
		{`{"status":"Running"}`, strategies.InProgress, "Running", true},
		{`{"properties":{"provisioningState":"Succeeded"}}`, strategies.Succeeded, "Succeeded", true},
		{`{"status":"Running","properties":{"provisioningState":"Succeeded"}}`, strategies.InProgress, "Running", true},
		{`{"status":5,"properties":{"provisioningState":"Canceled"}}`, strategies.Canceled, "Canceled", true},
		{`{"id":"x"}`, "", "", false},
		{`not json`, "", "", false},
		{``, "", "", false},
	}
	for _, tc := range tests {
		st, svc, ok := InitialState([]byte(tc.body))
		if st != tc.st || svc != tc.service || ok != tc.ok {
			t.Errorf("InitialState(%s) = %q, %q, %v; want %q, %q, %v", tc.body, st, svc, ok, tc.st, tc.service, tc.ok)
		}
	}
}
