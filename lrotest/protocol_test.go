package lrotest_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

const (
	notFound = `{"error":{"code":"NotFound","message":"no such operation"}}`
	deleted  = `{"error":{"code":"ResourceNotFound","message":"the resource was deleted"}}`
	failed   = `{"error":{"code":"OperationFailed","message":"operation op1 ended Failed"}}`
	opOK     = `{"id":"op1","status":"Succeeded"}`
	postDone = `{"name":"op1","result":"done"}`
)

func TestProtocols(t *testing.T) {
	t.Parallel()
	const (
		put, patch, post, del = http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete
		mon                   = "/operations/op1"
		ol, aao, loc          = "@Operation-Location", "@Azure-AsyncOperation", "@Location"
	)
	tests := []struct {
		name  string
		sc    lrotest.Scenario
		steps []step
	}{
		{"operation-location PUT", lrotest.Scenario{Polls: 2, PercentComplete: true, RetryAfter: 1500 * time.Millisecond, RetryAfterMS: true}, []step{
			{put, "", 201, map[string]string{"Operation-Location": "{base}/operations/op1", "Retry-After": "2", "Retry-After-Ms": "1500", "Location": "", "Content-Type": "application/json"}, doc("Creating")},
			{"GET", ol, 200, map[string]string{"Retry-After": "2"}, `{"id":"op1","status":"Running","percentComplete":33}`},
			get(mon, 200, `{"id":"op1","status":"Running","percentComplete":66}`),
			get("", 200, doc("Creating")),
			{"GET", mon, 200, map[string]string{"Retry-After": "", "Retry-After-Ms": ""}, `{"id":"op1","status":"Succeeded","percentComplete":100}`},
			get(mon, 200, `{"id":"op1","status":"Succeeded","percentComplete":100}`),
			get("", 200, doc("Succeeded")),
		}},
		{"operation-location PUT resourceLocation", lrotest.Scenario{Protocol: lrotest.OperationLocation, ResourceLocation: true}, []step{
			{put, "", 201, map[string]string{"Operation-Location": "{base}/operations/op1", "Retry-After": ""}, doc("Creating")},
			get(ol, 200, `{"id":"op1","status":"Succeeded","resourceLocation":"{base}/resources/op1"}`),
		}},
		{"operation-location POST with Location", lrotest.Scenario{WithLocation: true, ResourceLocation: true, Result: `{"answer":42}`}, []step{
			{post, "", 202, map[string]string{"Operation-Location": "{base}/operations/op1", "Location": "{base}/results/op1"}, ""},
			get(loc, 202, ""),
			get(mon, 200, `{"id":"op1","status":"Succeeded","resourceLocation":"{base}/results/op1"}`),
			{"GET", "/results/op1", 200, map[string]string{"Content-Type": "application/json"}, `{"answer":42}`},
			{"GET", "", 405, map[string]string{"Allow": "POST"}, `{"error":{"code":"MethodNotAllowed","message":"the POST action has no resource to GET"}}`},
		}},
		{"operation-location failed PUT", lrotest.Scenario{Terminal: "Failed"}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, `{"id":"op1","status":"Failed","error":{"code":"OperationFailed","message":"operation op1 ended Failed"}}`),
			get("", 200, doc("Failed")),
		}},
		{"azure-async-operation DELETE", lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, Polls: 1, WithLocation: true}, []step{
			{del, "", 202, map[string]string{"Azure-AsyncOperation": "{base}/operations/op1", "Location": "{base}/results/op1", "Operation-Location": ""}, ""},
			get(aao, 200, `{"id":"op1","status":"InProgress"}`),
			get("", 200, doc("Deleting")),
			get("/results/op1", 202, ""),
			get(mon, 200, opOK),
			get("/results/op1", 204, ""),
			get("", 404, deleted),
		}},
		{"azure-async-operation canceled PATCH", lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, Terminal: "Cancelled"}, []step{
			{patch, "", 202, map[string]string{"Azure-AsyncOperation": "{base}/operations/op1"}, doc("Updating")},
			get(aao, 200, `{"id":"op1","status":"Cancelled","error":{"code":"OperationCanceled","message":"operation op1 ended Cancelled"}}`),
			get("", 200, doc("Cancelled")),
			get("/results/op1", 500, `{"error":{"code":"OperationCanceled","message":"operation op1 ended Cancelled"}}`),
		}},
		{"location POST with hops", lrotest.Scenario{Protocol: lrotest.Location, Polls: 2, LocationHops: true, RetryAfter: time.Second}, []step{
			{post, "", 202, map[string]string{"Location": "{base}/operations/op1", "Retry-After": "1", "Retry-After-Ms": ""}, ""},
			{"GET", loc, 202, map[string]string{"Location": "{base}/operations/op1/1", "Retry-After": "1"}, ""},
			{"GET", loc, 202, map[string]string{"Location": "{base}/operations/op1/2"}, ""},
			{"GET", loc, 200, map[string]string{"Location": "", "Retry-After": ""}, postDone},
		}},
		{"location PUT see other", lrotest.Scenario{Protocol: lrotest.Location, SeeOther: true}, []step{
			{put, "", 202, map[string]string{"Location": "{base}/operations/op1"}, ""},
			{"GET", loc, 303, map[string]string{"Location": "{base}/resources/op1"}, ""},
			get(loc, 200, doc("Succeeded")),
		}},
		{"location POST see other", lrotest.Scenario{Protocol: lrotest.Location, SeeOther: true, Result: `[1,2]`}, []step{
			{post, "", 202, nil, ""},
			{"GET", loc, 303, map[string]string{"Location": "{base}/results/op1"}, ""},
			get(loc, 200, `[1,2]`),
		}},
		{"location DELETE ignores see other", lrotest.Scenario{Protocol: lrotest.Location, SeeOther: true, Polls: 1}, []step{
			{del, "", 202, nil, ""},
			get(loc, 202, ""),
			get(loc, 204, ""),
			get("", 404, deleted),
		}},
		{"location failed", lrotest.Scenario{Protocol: lrotest.Location, Terminal: "Failed"}, []step{
			{post, "", 202, nil, ""},
			get(loc, 500, failed),
		}},
		{"location failed as body", lrotest.Scenario{Protocol: lrotest.Location, Terminal: "Failed", FailStatus: 200}, []step{
			{put, "", 202, nil, ""},
			get(loc, 200, doc("Failed")),
		}},
		{"location loop", lrotest.Scenario{Protocol: lrotest.Location, LocationLoop: true}, []step{
			{put, "", 202, map[string]string{"Location": "{base}/operations/op1/a"}, ""},
			{"GET", loc, 202, map[string]string{"Location": "{base}/operations/op1/b"}, ""},
			{"GET", loc, 202, map[string]string{"Location": "{base}/operations/op1/a"}, ""},
			{"GET", loc, 202, map[string]string{"Location": "{base}/operations/op1/b"}, ""},
		}},
		{"provisioning-state PUT", lrotest.Scenario{Protocol: lrotest.ProvisioningState, Polls: 1}, []step{
			{put, "", 201, map[string]string{"Operation-Location": "", "Azure-AsyncOperation": "", "Location": ""}, doc("Creating")},
			get("", 200, doc("Creating")),
			get("", 200, doc("Succeeded")),
			get("", 200, doc("Succeeded")),
			get(mon, 404, notFound),
		}},
		{"provisioning-state PATCH custom running status", lrotest.Scenario{Protocol: lrotest.ProvisioningState, Polls: 1, RunningStatus: "Accepted", Result: `{"id":"x"}`}, []step{
			{patch, "", 200, nil, doc("Accepted")},
			get("", 200, doc("Accepted")),
			get("", 200, `{"id":"x"}`),
		}},
		{"provisioning-state DELETE", lrotest.Scenario{Protocol: lrotest.ProvisioningState}, []step{
			{del, "", 202, nil, doc("Deleting")},
			get("", 404, deleted),
		}},
		{"provisioning-state failed", lrotest.Scenario{Protocol: lrotest.ProvisioningState, Terminal: "Failed"}, []step{
			{put, "", 201, nil, doc("Creating")},
			get("", 200, doc("Failed")),
		}},
		{"provisioning-state POST answers at once", lrotest.Scenario{Protocol: lrotest.ProvisioningState}, []step{
			{post, "", 200, map[string]string{"Location": ""}, postDone},
		}},
		{"synchronous PUT", lrotest.Scenario{Protocol: lrotest.Synchronous, RetryAfter: time.Second}, []step{
			{put, "", 200, map[string]string{"Operation-Location": "", "Location": "", "Retry-After": ""}, doc("Succeeded")},
			get("", 200, doc("Succeeded")),
			get(mon, 404, notFound),
		}},
		{"synchronous DELETE", lrotest.Scenario{Protocol: lrotest.Synchronous}, []step{
			{del, "", 204, nil, ""},
			get("", 404, deleted),
		}},
		{"relative URLs, initial status and monitor query", lrotest.Scenario{RelativeURLs: true, InitialStatus: 200, MonitorQuery: "sig=abc", WithLocation: true}, []step{
			{put, "", 200, map[string]string{"Operation-Location": "/operations/op1?sig=abc", "Location": "/results/op1"}, doc("Creating")},
			get(ol, 200, opOK),
		}},
		{"api-version required", lrotest.Scenario{APIVersion: "2024-01-01"}, []step{
			{put, "", 400, nil, `{"error":{"code":"MissingApiVersionParameter","message":"the api-version query parameter must be 2024-01-01"}}`},
			{put, "?api-version=2024-01-01", 201, map[string]string{"Operation-Location": "{base}/operations/op1"}, doc("Creating")},
			get(mon, 400, `{"error":{"code":"MissingApiVersionParameter","message":"the api-version query parameter must be 2024-01-01"}}`),
			get(mon+"?api-version=2023-01-01", 400, `{"error":{"code":"InvalidApiVersionParameter","message":"the api-version query parameter must be 2024-01-01 once"}}`),
			get(mon+"?api-version=2024-01-01&api-version=2024-01-01", 400, `{"error":{"code":"InvalidApiVersionParameter","message":"the api-version query parameter must be 2024-01-01 once"}}`),
			get(mon+"?api-version=2024-01-01", 200, opOK),
		}},
		{"requests before the start", lrotest.Scenario{}, []step{
			get("", 404, `{"error":{"code":"ResourceNotFound","message":"no such resource"}}`),
			get(mon, 404, notFound),
			get("/results/op1", 404, `{"error":{"code":"ResourceNotFound","message":"no such resource"}}`),
		}},
		{"wrong methods", lrotest.Scenario{}, []step{
			{put, "", 201, nil, doc("Creating")},
			{post, mon, 405, map[string]string{"Allow": "GET"}, `{"error":{"code":"MethodNotAllowed","message":"POST not allowed here"}}`},
			{"OPTIONS", "", 405, map[string]string{"Allow": "GET"}, `{"error":{"code":"MethodNotAllowed","message":"OPTIONS not allowed here"}}`},
			get(mon, 200, opOK),
		}},
		{"repeated initial request does not restart", lrotest.Scenario{Polls: 1}, []step{
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, `{"id":"op1","status":"Running"}`),
			{put, "", 201, nil, doc("Creating")},
			get(mon, 200, opOK),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := lrotest.NewServer()
			defer s.Close()
			res := s.Start(tt.sc)
			if want := s.URL + "/resources/op1"; res != want {
				t.Fatalf("Start = %q, want %q", res, want)
			}
			play(t, noRedirect(s), s.URL, res, tt.steps)
			if got, want := s.Count(res), len(tt.steps); got != want {
				t.Errorf("Count = %d, want %d", got, want)
			}
		})
	}
}

func TestNeverEnds(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	defer s.Close()
	res := s.Start(lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, Polls: -1, PercentComplete: true})
	c := noRedirect(s)
	do(t, c, http.MethodPut, res)
	for i := 1; i <= 120; i++ {
		status, _, body := do(t, c, http.MethodGet, s.URL+"/operations/op1")
		want := `{"id":"op1","status":"InProgress","percentComplete":` + strconv.Itoa(min(i, 99)) + `}`
		if status != 200 || body != want {
			t.Fatalf("poll %d = %d %s, want 200 %s", i, status, body, want)
		}
	}
	if got := s.DoneAt(res); !got.IsZero() {
		t.Errorf("DoneAt = %v, want zero", got)
	}
}

func TestUnknownProtocolPanics(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	defer s.Close()
	defer func() {
		if r := recover(); r != `lrotest: unknown protocol "smoke-signal"` {
			t.Errorf("recover() = %v, want the unknown protocol panic", r)
		}
	}()
	s.Start(lrotest.Scenario{Protocol: "smoke-signal"})
}
