package otellro_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/lrohttp/lro/lrotest"
)

// key renders a data point's attributes, sorted, as "k=v,k=v".
func key(s attribute.Set) string {
	var out string
	for it := s.Iter(); it.Next(); {
		kv := it.Attribute()
		if out != "" {
			out += ","
		}
		out += string(kv.Key) + "=" + kv.Value.Emit()
	}
	return out
}

func sums(t *testing.T, agg metricdata.Aggregation) map[string]int64 {
	t.Helper()
	s, ok := agg.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("aggregation %T, want an int64 sum", agg)
	}
	out := map[string]int64{}
	for _, dp := range s.DataPoints {
		out[key(dp.Attributes)] = dp.Value
	}
	return out
}

// After N operations (some run at once), the metrics count them.
func TestMetrics(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	const ok, failed = 6, 2
	var wg sync.WaitGroup
	for i := range ok + failed {
		sc := lrotest.Scenario{Polls: 1} // two polls
		if i >= ok {
			sc = lrotest.Scenario{Terminal: "Failed"} // one poll
		}
		wg.Go(func() {
			_, err := r.do(t, context.Background(), http.MethodPut, sc, "")
			if (err == nil) != (i < ok) {
				t.Errorf("operation %d: err = %v", i, err)
			}
		})
	}
	wg.Wait()
	m := r.collect(t)

	const okKey = "lro.outcome=succeeded,lro.resumed=false,lro.strategy=operation-location"
	const failKey = "lro.outcome=failed,lro.resumed=false,lro.strategy=operation-location"
	tests := []struct {
		metric string
		want   map[string]int64
	}{
		{"lro.client.operations {operation}", map[string]int64{okKey: ok, failKey: failed}},
		{"lro.client.polls {poll}", map[string]int64{"lro.strategy=operation-location": 2*ok + failed}},
		{"lro.client.active_operations {operation}", map[string]int64{"lro.strategy=operation-location": 0}},
	}
	for _, tt := range tests {
		agg, found := m[tt.metric]
		if !found {
			t.Errorf("no metric %q (have %v)", tt.metric, m)
			continue
		}
		got := sums(t, agg)
		if len(got) != len(tt.want) {
			t.Errorf("%s = %v, want %v", tt.metric, got, tt.want)
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("%s{%s} = %d, want %d", tt.metric, k, got[k], v)
			}
		}
	}
	if s := m["lro.client.active_operations {operation}"].(metricdata.Sum[int64]); s.IsMonotonic {
		t.Error("active_operations is monotonic, want an up-down counter")
	}

	h, isHist := m["lro.client.operation.duration s"].(metricdata.Histogram[float64])
	if !isHist {
		t.Fatalf("duration = %T, want a float64 histogram in s", m["lro.client.operation.duration s"])
	}
	counts := map[string]uint64{}
	for _, dp := range h.DataPoints {
		counts[key(dp.Attributes)] = dp.Count
		if dp.Sum <= 0 || dp.Sum > 60 {
			t.Errorf("duration sum{%s} = %v s, want a plausible positive duration", key(dp.Attributes), dp.Sum)
		}
	}
	if counts[okKey] != ok || counts[failKey] != failed || len(counts) != 2 {
		t.Errorf("duration counts = %v, want %d succeeded and %d failed", counts, ok, failed)
	}
}
