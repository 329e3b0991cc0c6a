package rules_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/rules"
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

// FuzzParse: a rule file of any content parses to valid rules or fails with
// ErrInvalidRule, never a panic; every rule it accepts makes a strategy.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"name":"a","start":{"statusCodes":[202],"hosts":["*"]},"poll":{"template":"/x/{/id}"},"status":{"field":"s","success":["ok"],"failure":["bad"]}}`))
	f.Add([]byte(`[{"name":"a","start":{"statusCodes":[200],"hosts":["h"],"paths":["/a/*"]},"poll":{"field":"/l/0"},"status":{"field":"/s","success":["x"],"failure":["y"],"unknown":"failure"},"result":{"from":"field","field":"r"}}]`))
	f.Add([]byte(`{"name":"a","poll":{"template":"{{}}"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := rules.Parse(data)
		if err != nil {
			if !errors.Is(err, rules.ErrInvalidRule) {
				t.Fatalf("Parse: %v does not wrap ErrInvalidRule", err)
			}
			return
		}
		for _, r := range rs {
			if _, err := rules.New(r); err != nil {
				t.Fatalf("Parse accepted %+v, New refuses it: %v", r, err)
			}
		}
	})
}
