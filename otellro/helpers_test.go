package otellro_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/otellro"
)

// rig is one test's world: an lrotest server over loopback, otelhttp as the
// base transport, lro above it with otellro's hooks, and the SDK recording
// spans in memory and metrics through a manual reader.
type rig struct {
	srv    *lrotest.Server
	tp     *sdktrace.TracerProvider
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tr     *lro.Transport
	client *http.Client
}

func newRig(t *testing.T, opts ...lro.Option) *rig {
	t.Helper()
	r := &rig{srv: lrotest.NewServer(), spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	t.Cleanup(r.srv.Close)
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	base := otelhttp.NewTransport(r.srv.Client().Transport, otelhttp.WithTracerProvider(r.tp),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()))
	opts = append([]lro.Option{lro.WithPollInterval(time.Millisecond),
		lro.WithHooks(otellro.Hooks(otellro.WithTracerProvider(r.tp), otellro.WithMeterProvider(mp)))}, opts...)
	r.tr = lro.New(base, opts...)
	r.client = &http.Client{Transport: r.tr}
	return r
}

// do sends method to the resource of a new operation of sc, with query, and
// returns the body read in full, or the error.
func (r *rig) do(t *testing.T, ctx context.Context, method string, sc lrotest.Scenario, query string) (string, error) {
	t.Helper()
	res := r.srv.Start(sc)
	req, err := http.NewRequestWithContext(ctx, method, res+query, strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), nil
}

// ended returns the ended spans named name.
func (r *rig) ended(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// one returns the only ended span named name.
func (r *rig) one(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	got := r.ended(name)
	if len(got) != 1 {
		t.Fatalf("%d ended spans named %q, want 1 (all: %v)", len(got), name, names(r.spans.Ended()))
	}
	return got[0]
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}

// attrs maps a span's (or event's) attributes by key.
func attrs(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := make(map[attribute.Key]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// collect reads the metrics of otellro's scope.
func (r *rig) collect(t *testing.T) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otellro.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name+" "+m.Unit] = m.Data
		}
	}
	return out
}
