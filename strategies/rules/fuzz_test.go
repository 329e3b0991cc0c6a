package rules_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

// FuzzUpdate: any status answer gives a state or an error, never a panic;
// a failure word is never a success, and progress stays within 0 to 100.
func FuzzUpdate(f *testing.F) {
	f.Add(200, []byte(`{"server":{"status":"BUILD","progress":40}}`))
	f.Add(200, []byte(`{"server":{"status":"ERROR","fault":{"code":500,"message":"m"}}}`))
	f.Add(200, []byte(`{"server":{"status":"error","fault":{"code":"x"}}} trailing`))
	f.Add(202, []byte(`{"server":[1,{"status":null}]}`))
	f.Add(200, []byte(`{"server":{"status":12e400}}`))
	s := mustNew(f, openStack)
	u := mustURL(f, "https://compute.example.net/v2.1/servers/s1")
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		op := &strategies.Operation{PollURL: u.String(), Status: strategies.InProgress}
		if err := s.Update(op, &strategies.Response{StatusCode: code, Header: http.Header{}, Body: body, URL: u}); err != nil {
			return
		}
		if strings.EqualFold(op.ServiceStatus, "error") && op.Status != strategies.Failed {
			t.Fatalf("ERROR read as %s", op.Status)
		}
		if op.Status == strategies.Succeeded && !strings.EqualFold(op.ServiceStatus, "active") {
			t.Fatalf("%q read as a success", op.ServiceStatus)
		}
		if op.HasProgress && (op.Progress < 0 || op.Progress > 100) {
			t.Fatalf("progress %v", op.Progress)
		}
	})
}
