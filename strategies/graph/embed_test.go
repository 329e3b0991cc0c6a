package graph_test

import (
	"net/http"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/graph"
)

// mine embeds the Graph strategy by value, as its doc ("its zero value is
// ready to use") says it may.
type mine struct{ graph.Strategy }

func (mine) Name() string { return "mine" }

// The zero value works as a value, alone or embedded (this file compiles
// only while the methods have value receivers), and as a pointer.
func TestZeroValueByValue(t *testing.T) {
	t.Parallel()
	u := mustURL(t, copyURL)
	for name, s := range map[string]strategies.Strategy{
		"value": graph.Strategy{}, "pointer": &graph.Strategy{}, "New": graph.New(), "embedded by value": mine{},
	} {
		h := http.Header{"Location": {monitor}}
		if !s.Applies(http.MethodPost, u, http.StatusAccepted, h) {
			t.Errorf("%s: Applies = false for a 202 with a Location", name)
		}
		op, err := s.Start(&strategies.Initial{Method: http.MethodPost, URL: u, Response: &strategies.Response{
			StatusCode: http.StatusAccepted, Header: h, URL: u, Initial: true}})
		if err != nil || op == nil || op.PollURL != monitor {
			t.Errorf("%s: Start = %+v, %v; want an operation polling %s", name, op, err, monitor)
		}
	}
}
