package lro_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

// graphMonitorHost is where the simulated Graph copies put their monitor.
const graphMonitorHost = "contoso-my.sharepoint.com"

// vendorTLS starts a TLS VendorServer valid for names and returns it with a
// base transport that dials every host to it and trusts its certificate,
// so that https://graph.microsoft.com/... reaches the simulation.
func vendorTLS(t *testing.T, names ...string) (*lrotest.VendorServer, *http.Transport) {
	t.Helper()
	srv := lrotest.NewVendorTLSServer(names...)
	t.Cleanup(srv.Close)
	return srv, loopbackBase(t, srv.URL(), srv.Certificate())
}

// onTLSHost moves a lrotest URL to https://host (port 443), keeping its path.
func onTLSHost(raw, host string) string {
	u, _ := url.Parse(raw)
	u.Host = host
	return u.String()
}

// TestGraphDefaultChain: a plain lro.New completes Microsoft Graph's
// operations on graph.microsoft.com over TLS, with every ending, and sends
// the caller's Authorization to the foreign monitor only when
// WithTrustedHosts names it.
func TestGraphDefaultChain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sc       lrotest.VendorScenario
		trust    bool
		wantBody string // in the result; "" when an error is wanted
		wantCode string // OperationError.Code
		wantMsg  string
	}{
		{"copy completed", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 2}, false, `"status":"completed"`, "", ""},
		{"copy completed in a 202", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 1, FinalAccepted: true}, false, `"resourceId":"copy-`, "", ""},
		{"copy 303 to the item", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 2, Redirect: true}, false, `"name":"copy.docx"`, "", ""},
		{"copy failed", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 1, Fail: true}, false, "", "nameAlreadyExists", "An item with this name already exists."},
		{"copy with a trusted monitor", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 1, Redirect: true}, true, `"name":"copy.docx"`, "", ""},
		{"rich operation succeeded", lrotest.VendorScenario{Vendor: lrotest.GraphOperation, Polls: 2}, false, `"restored":true`, "", ""},
		{"rich operation failed", lrotest.VendorScenario{Vendor: lrotest.GraphOperation, Polls: 1, Fail: true}, false, "", "restoreFailed", "The snapshot is gone."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, base := vendorTLS(t, "graph.microsoft.com", graphMonitorHost)
			tc.sc.MonitorHost = graphMonitorHost
			var mu sync.Mutex
			var progress []float64
			opts := []lro.Option{lro.WithPollInterval(time.Millisecond), lro.WithAllowedHosts(graphMonitorHost),
				lro.WithHooks(lro.Hooks{Polled: func(pi lro.PollInfo) {
					if pi.HasPercentComplete {
						mu.Lock()
						progress = append(progress, pi.PercentComplete)
						mu.Unlock()
					}
				}})}
			if tc.trust {
				opts = append(opts, lro.WithTrustedHosts("sharepoint.com"))
			}
			client := &http.Client{Transport: lro.New(base, opts...)}
			start := srv.Start(tc.sc)
			req, _ := http.NewRequest(http.MethodPost, onTLSHost(start, "graph.microsoft.com"), strings.NewReader(`{"name":"copy.docx"}`))
			req.Header.Set("Authorization", "Bearer secret")
			resp, err := client.Do(req)
			if tc.wantBody == "" {
				var oe *lro.OperationError
				if !errors.As(err, &oe) {
					t.Fatalf("err = %v, want *OperationError", err)
				}
				if oe.Code != tc.wantCode || oe.Message != tc.wantMsg {
					t.Errorf("OperationError code %q message %q, want %q %q", oe.Code, oe.Message, tc.wantCode, tc.wantMsg)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				// A monitor's final "completed" 202 is the result as sent.
				if body := readBody(t, resp); resp.StatusCode/100 != 2 || !strings.Contains(body, tc.wantBody) {
					t.Errorf("got %d %s, want 2xx with %s", resp.StatusCode, body, tc.wantBody)
				}
			}
			reqs := srv.Requests(start)
			if len(reqs) < 2+tc.sc.Polls {
				t.Errorf("got %d requests, want the operation polled to its end", len(reqs))
			}
			for _, r := range reqs {
				onMonitor := strings.EqualFold(r.Host, graphMonitorHost)
				if got, want := r.Header.Get("Authorization") != "", !onMonitor || tc.trust; got != want {
					t.Errorf("%s %s on %s: Authorization sent %v, want %v", r.Method, r.Path, r.Host, got, want)
				}
				if tc.sc.Vendor == lrotest.GraphCopy && strings.Contains(r.Path, "/monitor/") != onMonitor {
					t.Errorf("%s %s went to host %s", r.Method, r.Path, r.Host)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(progress) < tc.sc.Polls {
				t.Errorf("progress seen %v, want one per in-progress poll (%d)", progress, tc.sc.Polls)
			}
		})
	}
}

// TestGraphHostScope: the same richLongRunningOperation on a host that is
// not Graph's is not read with Graph's words: the Location strategy takes
// its first 200 ("running") as the result, as before.
func TestGraphHostScope(t *testing.T) {
	t.Parallel()
	srv, base := vendorTLS(t, "graph.example.com")
	client := &http.Client{Transport: lro.New(base, lro.WithPollInterval(time.Millisecond))}
	start := srv.Start(lrotest.VendorScenario{Vendor: lrotest.GraphOperation, Polls: 2})
	resp, err := client.Post(onTLSHost(start, "graph.example.com"), "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); !strings.Contains(body, `"status":"running"`) || len(srv.Requests(start)) != 2 {
		t.Errorf("got %s after %d requests, want the first poll's running body after 2", body, len(srv.Requests(start)))
	}
}

// TestGraphResume: a Graph copy left unpolled (WithoutPolling) resumes
// from its token to the item the monitor's 303 names.
func TestGraphResume(t *testing.T) {
	t.Parallel()
	srv, base := vendorTLS(t, "graph.microsoft.com", graphMonitorHost)
	tr := lro.New(base, lro.WithPollInterval(time.Millisecond), lro.WithAllowedHosts(graphMonitorHost))
	start := srv.Start(lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 1, Redirect: true, MonitorHost: graphMonitorHost})
	req, _ := http.NewRequestWithContext(lro.WithoutPolling(context.Background()), http.MethodPost, onTLSHost(start, "graph.microsoft.com"), nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("got %d, want the 202 itself", resp.StatusCode)
	}
	tok, err := lro.ResumeToken(resp)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = tr.Resume(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); !strings.Contains(body, `"name":"copy.docx"`) {
		t.Errorf("resumed body = %s, want the copied item", body)
	}
}
