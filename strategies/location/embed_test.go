package location_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/location"
)

// mine embeds the Location strategy by value, as the doc says it may.
type mine struct{ location.Strategy }

func (mine) Name() string { return "mine" }

// The zero value works as a value, alone or embedded (this file compiles
// only while the methods have value receivers), and as a pointer.
func TestZeroValueByValue(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://svc.example.com/res/1")
	for name, s := range map[string]strategies.Strategy{
		"value": location.Strategy{}, "pointer": &location.Strategy{}, "embedded by value": mine{},
	} {
		op, err := s.Start(&strategies.Initial{Method: http.MethodPost, URL: u, Response: &strategies.Response{
			StatusCode: http.StatusAccepted, Header: http.Header{"Location": {"/ops/1"}}, URL: u}})
		if err != nil || op == nil || op.PollURL != "https://svc.example.com/ops/1" {
			t.Errorf("%s: Start = %+v, %v; want an operation polling https://svc.example.com/ops/1", name, op, err)
		}
	}
}
