package lrotest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lrohttp/lro/lrotest"
)

// TestVendorServer walks each simulated protocol by hand, with a client
// that follows no redirect: the answers a client sees, in order.
func TestVendorServer(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewVendorServer()
	t.Cleanup(srv.Close)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	type step struct {
		code     int
		bodyHas  string
		location string // a substring of the Location header
	}
	tests := []struct {
		name   string
		sc     lrotest.VendorScenario
		method string
		steps  []step // the start, then GETs of the last Location (or the start URL)
	}{
		{"Graph copy, 303", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 1, Redirect: true}, "POST",
			[]step{{202, "", "/monitor/"}, {202, `"percentageComplete":50`, ""}, {303, "", "/items/copy-"}, {200, `"copy.docx"`, ""}}},
		{"Graph copy, failed", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Fail: true}, "POST",
			[]step{{202, "", "/monitor/"}, {200, `"nameAlreadyExists"`, ""}}},
		{"Graph operation", lrotest.VendorScenario{Vendor: lrotest.GraphOperation, Polls: 1}, "POST",
			[]step{{202, "", "/operations/"}, {200, `"running"`, ""}, {200, `"resourceLocation"`, ""}}},
		{"async reply, 302", lrotest.VendorScenario{Vendor: lrotest.AsyncReply, Polls: 1}, "POST",
			[]step{{202, "", "/status/"}, {200, `"In progress"`, ""}, {302, "", "/results/"}, {200, `"done"`, ""}}},
		{"async reply, failed", lrotest.VendorScenario{Vendor: lrotest.AsyncReply, Fail: true}, "POST",
			[]step{{202, "", "/status/"}, {200, `"JobFailed"`, ""}}},
		{"GitHub stats", lrotest.VendorScenario{Vendor: lrotest.GitHubStats, Polls: 1}, "GET",
			[]step{{202, "{}", ""}, {202, "{}", ""}, {200, `"total"`, ""}}},
		{"OpenStack", lrotest.VendorScenario{Vendor: lrotest.OpenStack, Polls: 1}, "POST",
			[]step{{202, `"srv-`, "/servers/srv-"}, {200, `"BUILD"`, ""}, {200, `"ACTIVE"`, ""}}},
		{"OpenStack, failed", lrotest.VendorScenario{Vendor: lrotest.OpenStack, Fail: true}, "POST",
			[]step{{202, "", "/servers/srv-"}, {200, `"No valid host was found."`, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := srv.Start(tc.sc)
			next := start
			method := tc.method
			for i, st := range tc.steps {
				req, _ := http.NewRequest(method, next, nil)
				resp, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != st.code || !strings.Contains(string(b), st.bodyHas) || !strings.Contains(resp.Header.Get("Location"), st.location) {
					t.Fatalf("step %d: got %d %s (Location %q), want %d with %q (Location with %q)", i, resp.StatusCode, b, resp.Header.Get("Location"), st.code, st.bodyHas, st.location)
				}
				if loc := resp.Header.Get("Location"); loc != "" {
					next = loc
				}
				method = http.MethodGet
			}
			if got := len(srv.Requests(start)); got != len(tc.steps) {
				t.Errorf("Requests logged %d, want %d", got, len(tc.steps))
			}
		})
	}
}
