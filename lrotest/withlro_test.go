package lrotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

// What Scenario.Result promises is what a client following Azure's rules
// (lro) gets, for every protocol and method, with the default scenario.
func TestResultReachesLRO(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	t.Cleanup(s.Close)
	client := &http.Client{Transport: lro.New(s.Transport(), lro.WithPollInterval(time.Millisecond))}
	for _, p := range []lrotest.Protocol{lrotest.OperationLocation, lrotest.AzureAsyncOperation, lrotest.Location} {
		for _, custom := range []string{"", `{"answer":42}`} {
			res := s.Start(lrotest.Scenario{Protocol: p, Polls: 2, Result: custom})
			req, _ := http.NewRequest(http.MethodPost, res, strings.NewReader(`{}`))
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s POST: %v", p, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := custom
			if want == "" {
				want = `{"name":"` + res[strings.LastIndex(res, "/")+1:] + `","result":"done"}`
			}
			got := string(body)
			if p != lrotest.Location { // the monitor body, with the result in it
				var mon struct {
					Status string
					Result json.RawMessage
				}
				if err := json.Unmarshal(body, &mon); err != nil || mon.Status != "Succeeded" {
					t.Fatalf("%s POST: body %s, want a Succeeded monitor body", p, body)
				}
				got = string(mon.Result)
			}
			if got != want {
				t.Errorf("%s POST (Result %q): result %s, want %s", p, custom, got, want)
			}
		}
	}
}
