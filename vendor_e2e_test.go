package lro_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/asyncreply"
	"github.com/lrohttp/lro/strategies/repeatget"
)

// TestAsyncReply: the opt-in async request-reply strategy, on the host it
// is given, polls a 200 "In progress" and follows the final 302 or 303 to
// the result, on another host without the caller's Authorization; a
// failure status is an *OperationError. Without it, the default chain
// returns the first "In progress" answer, as the issue reported.
func TestAsyncReply(t *testing.T) {
	t.Parallel()
	const home, results = "jobs.example.com", "results.example.net"
	tests := []struct {
		name     string
		sc       lrotest.VendorScenario
		optIn    bool
		wantBody string
		wantCode string
	}{
		{"302 to the result on another host", lrotest.VendorScenario{Polls: 2, MonitorHost: results}, true, `"result":"done"`, ""},
		{"303 to the result", lrotest.VendorScenario{Polls: 1, Redirect: true}, true, `"result":"done"`, ""},
		{"failure", lrotest.VendorScenario{Polls: 1, Fail: true}, true, "", "JobFailed"},
		{"not opted in", lrotest.VendorScenario{Polls: 2}, false, `"status":"In progress"`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, base := vendorTLS(t, home, results)
			tc.sc.Vendor = lrotest.AsyncReply
			var progress int
			opts := []lro.Option{lro.WithPollInterval(time.Millisecond), lro.WithAllowedHosts(results),
				lro.WithHooks(lro.Hooks{Polled: func(pi lro.PollInfo) {
					if pi.HasPercentComplete {
						progress++
					}
				}})}
			if tc.optIn {
				opts = append(opts, lro.WithStrategies(append([]strategies.Strategy{asyncreply.New(home)}, lro.DefaultStrategies()...)...))
			}
			client := &http.Client{Transport: lro.New(base, opts...)}
			start := srv.Start(tc.sc)
			req, _ := http.NewRequest(http.MethodPost, onTLSHost(start, home), nil)
			req.Header.Set("Authorization", "Bearer secret")
			resp, err := client.Do(req)
			if tc.wantCode != "" {
				var oe *lro.OperationError
				if !errors.As(err, &oe) || oe.Code != tc.wantCode || oe.Message == "" {
					t.Fatalf("err = %v, want *OperationError %s with a message", err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if body := readBody(t, resp); resp.StatusCode != 200 || !strings.Contains(body, tc.wantBody) {
				t.Errorf("got %d %s, want 200 with %s", resp.StatusCode, body, tc.wantBody)
			}
			if tc.optIn && progress != tc.sc.Polls {
				t.Errorf("progress reported %d times, want %d", progress, tc.sc.Polls)
			}
			for _, r := range srv.Requests(start) {
				if got, want := r.Header.Get("Authorization") != "", !strings.EqualFold(r.Host, results); got != want {
					t.Errorf("%s %s on %s: Authorization sent %v, want %v", r.Method, r.Path, r.Host, got, want)
				}
			}
		})
	}
}

// TestRepeatGet: GitHub's /stats/* answers 202 {} while computing; with
// repeatget for that path the GET is repeated until the 200, and without
// it (or for another path, or another method) the 202 passes through.
func TestRepeatGet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pattern string
		method  string
		want    int
	}{
		{"stats path named", "127.0.0.1/repos/*/*/stats/*", http.MethodGet, 200},
		{"host named", "127.0.0.1", http.MethodGet, 200},
		{"other path named", "127.0.0.1/repos/*/*/pulls", http.MethodGet, 202},
		{"not a GET", "127.0.0.1", http.MethodHead, 202},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := lrotest.NewVendorServer()
			t.Cleanup(srv.Close)
			chain := append([]strategies.Strategy{repeatget.New(tc.pattern)}, lro.DefaultStrategies()...)
			client := &http.Client{Transport: lro.New(nil, lro.WithPollInterval(time.Millisecond), lro.WithStrategies(chain...))}
			start := srv.Start(lrotest.VendorScenario{Vendor: lrotest.GitHubStats, Polls: 2})
			req, _ := http.NewRequest(tc.method, start, nil)
			req.Header.Set("If-None-Match", `"etag"`)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			if resp.StatusCode != tc.want {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, body, tc.want)
			}
			reqs := srv.Requests(start)
			if tc.want == 200 {
				if !strings.Contains(body, `"total":135`) || len(reqs) != 4 {
					t.Errorf("got %s after %d GETs, want the statistics after 4", body, len(reqs))
				}
				for _, r := range reqs[1:] {
					if r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" {
						t.Errorf("repeat %s with If-None-Match %q, want a plain GET", r.Method, r.Header.Get("If-None-Match"))
					}
				}
			} else if len(reqs) != 1 {
				t.Errorf("got %d requests, want the 202 passed through", len(reqs))
			}
		})
	}
}
