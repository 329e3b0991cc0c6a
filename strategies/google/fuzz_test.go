package google

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

// FuzzStrategies: any initial, poll or error body is safe to hand to both
// strategies: no panic, an operation they start polls an http(s) URL and is
// in a valid state, and an error body reads the same through OnHosts.
func FuzzStrategies(f *testing.F) {
	f.Add([]byte(`{"name":"operations/x","done":false,"metadata":{"progress":3}}`))
	f.Add([]byte(`{"name":"operations/x","done":true,"error":{"code":5,"message":"m"}}`))
	f.Add([]byte(`{"kind":"compute#operation","status":"DONE","selfLink":"https://h/o","error":{"errors":[{}]}}`))
	f.Add([]byte(`{"kind":"compute#operation","selfLink":"javascript:x"}`))
	f.Add([]byte(`{"name":"operations/%zz","done":false}`))
	f.Add([]byte(`{"error":{"code":404,"message":"m","status":"NOT_FOUND"}}`))
	f.Add([]byte(`{"error":{"code":403,"errors":[{"reason":"forbidden"}]}}`))
	u, _ := url.Parse("https://x.googleapis.com/v1/things")
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, s := range []strategies.Strategy{Operations(), Compute()} {
			er := &strategies.Response{StatusCode: 404, Body: body, URL: u}
			if got, scoped := strategies.ReadError(s, &strategies.Operation{}, er),
				strategies.ReadError(strategies.OnHosts(s, "googleapis.com"), &strategies.Operation{}, er); got != scoped {
				t.Fatalf("%s: ReadError %+v, through OnHosts %+v", s.Name(), got, scoped)
			}
			in := &strategies.Initial{Method: http.MethodPost, URL: u,
				Response: &strategies.Response{StatusCode: 200, Body: body, URL: u, Initial: true}}
			op, err := s.Start(in)
			if err != nil || op == nil {
				continue
			}
			if p, err := url.Parse(op.PollURL); err != nil || (p.Scheme != "http" && p.Scheme != "https") {
				t.Fatalf("%s: poll URL %q", s.Name(), op.PollURL)
			}
			switch op.Status {
			case strategies.InProgress, strategies.Succeeded, strategies.Failed, strategies.Canceled:
			default:
				t.Fatalf("%s: status %q", s.Name(), op.Status)
			}
			_ = s.Update(op, &strategies.Response{StatusCode: 200, Body: body, URL: u})
			_ = s.Result(op, nil)
		}
	})
}
