package lro_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
)

// TestHooksReadEndingPollBody: a Polled hook that reads the poll which
// ends the operation (a Location 200 that is the result) leaves the
// caller's body whole, and reads it whole itself.
func TestHooksReadEndingPollBody(t *testing.T) {
	t.Parallel()
	const result = `{"name":"res1","properties":{"provisioningState":"Succeeded"}}`
	tests := []struct {
		name string
		read bool // the hook reads the body
	}{
		{name: "hook reads", read: true},
		{name: "hook does not read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1/act",
				tkAnswer(202, "", "Location", "https://svc.test/ops/1"))
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, result))
			var hookSaw []string
			hooks := lro.Hooks{Polled: func(i lro.PollInfo) {
				if !tc.read {
					return
				}
				b, err := io.ReadAll(i.Response.Body)
				if err != nil {
					t.Errorf("hook ReadAll: %v", err)
				}
				hookSaw = append(hookSaw, string(b))
			}}
			tr := lro.New(mt, lro.WithHooks(hooks), lro.WithPollInterval(time.Millisecond))
			req, _ := http.NewRequest(http.MethodPost, "https://svc.test/res/1/act", nil)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if err := resp.Body.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if string(got) != result {
				t.Errorf("caller's body = %q, want %q", got, result)
			}
			if tc.read && (len(hookSaw) != 1 || hookSaw[0] != result) {
				t.Errorf("hook saw %q, want [%q]", hookSaw, result)
			}
		})
	}
}
