package otellro_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/otellro"
)

// injector is a base that sends each request with a traceparent header of
// a span of its own, without putting that span in the request's context.
type injector struct {
	base http.RoundTripper
	sc   trace.SpanContext
}

func (in injector) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	propagation.TraceContext{}.Inject(trace.ContextWithSpanContext(context.Background(), in.sc), propagation.HeaderCarrier(req.Header))
	return in.base.RoundTrip(req)
}

// Without a span in the sent request's context, the propagators find the
// initial request's span in its headers; without them, the caller's span
// is the parent.
func TestPropagators(t *testing.T) {
	t.Parallel()
	sent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled})
	tests := []struct {
		name  string
		props propagation.TextMapPropagator
		want  string // parent: "sent" or "caller"
	}{
		{"tracecontext", propagation.TraceContext{}, "sent"},
		{"none", propagation.NewCompositeTextMapPropagator(), "caller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := lrotest.NewServer()
			defer srv.Close()
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			tr := lro.New(injector{srv.Client().Transport, sent}, lro.WithPollInterval(time.Millisecond),
				lro.WithHooks(otellro.Hooks(otellro.WithTracerProvider(tp), otellro.WithPropagators(tt.props))))
			ctx, caller := tp.Tracer("test").Start(context.Background(), "caller")
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, srv.Start(lrotest.Scenario{}), strings.NewReader(`{}`))
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			caller.End()
			var op sdktrace.ReadOnlySpan
			for _, s := range rec.Ended() {
				if s.Name() == "lro PUT" {
					op = s
				}
			}
			if op == nil {
				t.Fatalf("no operation span among %v", names(rec.Ended()))
			}
			want := sent
			if tt.want == "caller" {
				want = caller.SpanContext()
			}
			if got := op.Parent(); got.SpanID() != want.SpanID() || got.TraceID() != want.TraceID() {
				t.Errorf("parent = %v/%v, want the %s span %v/%v", got.TraceID(), got.SpanID(), tt.want, want.TraceID(), want.SpanID())
			}
		})
	}
}
