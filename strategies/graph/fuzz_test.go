package graph_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/graph"
)

// FuzzUpdate: any status body gives a state or an error, never a panic; a
// body whose status word is Graph's failure is never a success, and a
// success is only a success word.
func FuzzUpdate(f *testing.F) {
	f.Add(200, []byte(`{"status":"failed","error":{"code":"X","message":"m"}}`))
	f.Add(202, []byte(`{"status":"inProgress","percentageComplete":40}`))
	f.Add(202, []byte(`{"status":"completed","resourceLocation":"/v1.0/items/1"}`))
	f.Add(200, []byte(`{"status":"succeeded","resourceLocation":"ftp://x"}`))
	f.Add(200, []byte(`{"status": 1, "percentageComplete": "x"}`))
	f.Add(202, []byte(``))
	u, _ := url.Parse(monitor)
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		op := &strategies.Operation{PollURL: monitor, Status: strategies.InProgress}
		err := graph.New().Update(op, &strategies.Response{StatusCode: code, Body: body, URL: u})
		if err != nil {
			return
		}
		s, perr := graph.Parse(body)
		switch {
		case perr != nil || !s.HasStatus:
			if op.Status != strategies.InProgress {
				t.Fatalf("no status in %q but %s", body, op.Status)
			}
		case strings.EqualFold(s.Status, "failed") && op.Status != strategies.Failed:
			t.Fatalf("failed status in %q read as %s", body, op.Status)
		case op.Status == strategies.Succeeded && !strings.EqualFold(s.Status, "completed") && !strings.EqualFold(s.Status, "succeeded"):
			t.Fatalf("%q read as a success", s.Status)
		}
		if op.HasProgress && (op.Progress < 0 || op.Progress > 100) {
			t.Fatalf("progress %v", op.Progress)
		}
		if op.ResultURL != "" {
			if _, err := strategies.Resolve(nil, "x", op.ResultURL); err != nil && !errors.Is(err, strategies.ErrInvalidURL) {
				t.Fatal(err)
			}
		}
	})
}
