package lro_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

// TestEndToEnd runs operations of every lrotest protocol over loopback
// through lro and http.Client, and checks what the client gets and the
// requests the service saw.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	const result = `{"name":"e2e","ok":true}`
	tests := []struct {
		name     string
		sc       lrotest.Scenario
		method   string
		query    string
		opts     []lro.Option
		status   int
		body     string
		requests int
		// Failures: the OperationError's status and code.
		errStatus, errCode string
	}{
		{name: "operation-location PUT", sc: lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 2, Result: result},
			method: "PUT", status: 200, body: result, requests: 5},
		{name: "operation-location PUT resourceLocation", sc: lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1, ResourceLocation: true, Result: result},
			method: "PUT", status: 200, body: result, requests: 4},
		{name: "operation-location POST, monitor is the result", sc: lrotest.Scenario{Protocol: lrotest.OperationLocation, PercentComplete: true},
			method: "POST", status: 200, body: `{"id":"op1","status":"Succeeded","percentComplete":100,"result":{"name":"op1","result":"done"}}`, requests: 2},
		{name: "operation-location failed", sc: lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1, Terminal: "Failed"},
			method: "PATCH", errStatus: "Failed", errCode: "OperationFailed", requests: 3},
		{name: "azure-async-operation POST with Location", sc: lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, Polls: 1, WithLocation: true, Result: result},
			method: "POST", status: 200, body: result, requests: 4},
		{name: "azure-async-operation DELETE", sc: lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, Polls: 1},
			method: "DELETE", status: 200, body: `{"id":"op1","status":"Succeeded"}`, requests: 3},
		{name: "azure-async-operation cancelled", sc: lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, Terminal: "Cancelled"},
			method: "PUT", errStatus: "Cancelled", errCode: "OperationCanceled", requests: 2},
		{name: "location DELETE", sc: lrotest.Scenario{Protocol: lrotest.Location, Polls: 2},
			method: "DELETE", status: 204, body: "", requests: 4},
		{name: "location hops", sc: lrotest.Scenario{Protocol: lrotest.Location, Polls: 3, LocationHops: true, Result: result},
			method: "POST", status: 200, body: result, requests: 5},
		{name: "location 303 to the result", sc: lrotest.Scenario{Protocol: lrotest.Location, Polls: 1, SeeOther: true, Result: result},
			method: "PUT", status: 200, body: result, requests: 4},
		{name: "location failed with a 2xx document", sc: lrotest.Scenario{Protocol: lrotest.Location, Terminal: "Failed", FailStatus: 200},
			method: "PUT", errStatus: "Failed", requests: 2},
		{name: "provisioningState PUT", sc: lrotest.Scenario{Protocol: lrotest.ProvisioningState, Polls: 2, Result: result},
			method: "PUT", status: 200, body: result, requests: 4},
		{name: "provisioningState PATCH canceled", sc: lrotest.Scenario{Protocol: lrotest.ProvisioningState, Polls: 1, Terminal: "Canceled"},
			method: "PATCH", errStatus: "Canceled", requests: 3},
		{name: "synchronous passes through", sc: lrotest.Scenario{Protocol: lrotest.Synchronous, Result: result},
			method: "PUT", status: 200, body: result, requests: 1},
		{name: "relative URLs carry api-version", sc: lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1, RelativeURLs: true, APIVersion: "2024-01-01", Result: result},
			method: "PUT", query: "?api-version=2024-01-01", status: 200, body: result, requests: 4},
		{name: "Retry-After clamped by WithMaxDelay", sc: lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, Polls: 2, RetryAfter: time.Hour, RetryAfterMS: true, Result: result},
			method: "PUT", opts: []lro.Option{lro.WithMaxDelay(2 * time.Millisecond)}, status: 200, body: result, requests: 5},
		{name: "transient poll failures retried", sc: lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1, Result: result,
			Faults: []lrotest.Fault{{Step: lrotest.Poll, N: 1, Count: 2, Status: 503}}},
			method: "PUT", status: 200, body: result, requests: 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := lrotest.NewServer()
			t.Cleanup(srv.Close)
			resource := srv.Start(tc.sc)
			opts := append([]lro.Option{
				lro.WithPollInterval(time.Millisecond),
				lro.WithBackoff(nil, time.Millisecond, 5*time.Millisecond),
			}, tc.opts...)
			tr := lro.New(srv.Client().Transport, opts...)
			t.Cleanup(tr.CloseIdleConnections)
			client := &http.Client{Transport: tr}

			req, _ := http.NewRequest(tc.method, resource+tc.query, strings.NewReader(`{}`))
			req.Header.Set("Authorization", "Bearer e2e")
			resp, err := client.Do(req)
			if tc.errStatus != "" {
				var oe *lro.OperationError
				if !errors.As(err, &oe) {
					t.Fatalf("got %v, %v; want an *OperationError", resp, err)
				}
				if oe.ServiceStatus != tc.errStatus || oe.Status != strategies.ParseStatus(tc.errStatus) || oe.Code != tc.errCode {
					t.Errorf("got Status %q ServiceStatus %q Code %q, want %q %q %q", oe.Status, oe.ServiceStatus, oe.Code,
						strategies.ParseStatus(tc.errStatus), tc.errStatus, tc.errCode)
				}
				if b, _ := io.ReadAll(oe.Response.Body); len(b) == 0 {
					t.Errorf("OperationError.Response has an empty body, want the service's answer")
				}
			} else {
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.status || string(body) != tc.body {
					t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tc.status, tc.body)
				}
			}
			log := srv.Requests(resource)
			if len(log) != tc.requests {
				t.Errorf("service saw %d requests, want %d:\n%s", len(log), tc.requests, e2eLines(log))
			}
			for i, r := range log {
				if got := r.Header.Get("Authorization"); got != "Bearer e2e" {
					t.Errorf("request %d (%s %s) carried Authorization %q, want the caller's", i, r.Method, r.URL, got)
				}
				if tc.sc.APIVersion != "" && !strings.Contains(r.URL, "api-version="+url.QueryEscape(tc.sc.APIVersion)) {
					t.Errorf("request %d (%s %s) lacks the api-version", i, r.Method, r.URL)
				}
			}
		})
	}
}

// TestEndToEndCrossHost runs an operation whose monitor is on another
// server (and host name): credentials stay with the original host.
func TestEndToEndCrossHost(t *testing.T) {
	t.Parallel()
	home, mon := lrotest.NewServer(), lrotest.NewServer()
	t.Cleanup(home.Close)
	t.Cleanup(mon.Close)
	resource := home.Start(lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1, MonitorServer: mon, MonitorHost: "localhost"})
	tr := lro.New(home.Client().Transport, lro.WithPollInterval(time.Millisecond))
	t.Cleanup(tr.CloseIdleConnections)
	req, _ := http.NewRequest(http.MethodPut, resource, strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer e2e")
	req.Header.Set("Cookie", "c=1")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	log := home.Requests(resource)
	if len(log) != 4 {
		t.Fatalf("service saw %d requests, want 4:\n%s", len(log), e2eLines(log))
	}
	for i, r := range log {
		foreign := strings.HasPrefix(r.Host, "localhost:")
		if got := r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != ""; got == foreign {
			t.Errorf("request %d to %s%s: credentials sent %v, want %v", i, r.Host, r.URL, got, !foreign)
		}
	}
}

func e2eLines(log []lrotest.Request) string {
	var b strings.Builder
	for _, r := range log {
		b.WriteString("\t" + r.Step.String() + " " + r.Method + " " + r.Host + r.URL + "\n")
	}
	return b.String()
}
