package otellro_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

// The initial request's client span is the operation span's parent; every
// poll's and the final GET's client span is its child.
func TestSpanTree(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx, caller := r.tp.Tracer("test").Start(context.Background(), "caller")
	if _, err := r.do(t, ctx, http.MethodPut, lrotest.Scenario{Polls: 2}, ""); err != nil {
		t.Fatal(err)
	}
	caller.End()
	initial, op := r.one(t, "HTTP PUT"), r.one(t, "lro PUT")
	if got, want := initial.Parent().SpanID(), caller.SpanContext().SpanID(); got != want {
		t.Errorf("initial request span's parent = %v, want the caller's span %v", got, want)
	}
	if got, want := op.Parent().SpanID(), initial.SpanContext().SpanID(); got != want {
		t.Errorf("operation span's parent = %v, want the initial request's span %v", got, want)
	}
	if op.SpanContext().TraceID() != initial.SpanContext().TraceID() {
		t.Errorf("operation span in trace %v, want the initial request's %v", op.SpanContext().TraceID(), initial.SpanContext().TraceID())
	}
	if op.SpanKind() != trace.SpanKindInternal {
		t.Errorf("operation span kind = %v, want internal", op.SpanKind())
	}
	gets := r.ended("HTTP GET")
	if len(gets) != 4 { // 3 polls and the final GET
		t.Fatalf("%d GET spans, want 4 (all: %v)", len(gets), names(r.spans.Ended()))
	}
	for _, g := range gets {
		if got, want := g.Parent().SpanID(), op.SpanContext().SpanID(); got != want {
			t.Errorf("GET span %v has parent %v, want the operation span %v", g.SpanContext().SpanID(), got, want)
		}
	}
	if len(r.spans.Ended()) != 7 {
		t.Errorf("spans = %v, want caller, HTTP PUT, lro PUT and 4 HTTP GET", names(r.spans.Ended()))
	}
}

// The operation span's attributes and events, and what it never holds.
func TestSpanAttributesAndEvents(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	sc := lrotest.Scenario{Polls: 2, PercentComplete: true, MonitorQuery: "sig=monitorsecret"}
	res := r.srv.Start(sc)
	req, _ := http.NewRequest(http.MethodPut, res+"?api-version=2024-01-01&sig=secret", strings.NewReader(`{}`))
	req.URL.User = nil
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	op := r.one(t, "lro PUT")
	a := attrs(op.Attributes())
	want := map[attribute.Key]attribute.Value{
		"lro.strategy":        attribute.StringValue("operation-location"),
		"http.request.method": attribute.StringValue("PUT"),
		"url.full":            attribute.StringValue(res),
		"lro.polls":           attribute.IntValue(3),
		"lro.requests":        attribute.IntValue(5),
		"lro.status":          attribute.StringValue("Succeeded"),
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("attribute %s = %v, want %v", k, a[k].Emit(), v.Emit())
		}
	}
	if n := a["lro.resume_token.size"].AsInt64(); n < 50 {
		t.Errorf("lro.resume_token.size = %d, want a token's size", n)
	}
	for _, k := range []attribute.Key{"lro.resumed", "lro.pending", "lro.error.code", "error.type"} {
		if _, ok := a[k]; ok {
			t.Errorf("attribute %s = %v on a successful operation, want none", k, a[k].Emit())
		}
	}
	if op.Status().Code != codes.Unset {
		t.Errorf("status = %v, want unset", op.Status())
	}
	for _, kv := range op.Attributes() {
		if s := kv.Value.Emit(); strings.Contains(s, "secret") || strings.Contains(s, "api-version") {
			t.Errorf("attribute %s = %q holds a query", kv.Key, s)
		}
	}

	var polls, waits []string
	for _, e := range op.Events() {
		ea := attrs(e.Attributes)
		switch e.Name {
		case "lro.poll":
			polls = append(polls, ea["http.response.status_code"].Emit()+" "+ea["lro.status"].Emit()+" "+ea["lro.percent_complete"].Emit())
		case "lro.wait":
			waits = append(waits, ea["lro.wait.delay"].Emit()+" "+ea["lro.wait.reason"].Emit())
		default:
			t.Errorf("unexpected event %q", e.Name)
		}
	}
	if got, want := strings.Join(polls, "; "), "200 InProgress 33; 200 InProgress 66; 200 Succeeded 100"; got != want {
		t.Errorf("poll events = %q, want %q", got, want)
	}
	if got, want := strings.Join(waits, "; "), "0.001 interval; 0.001 interval; 0.001 interval"; got != want {
		t.Errorf("wait events = %q, want %q", got, want)
	}
}

// Failures, context ends and max-wait end the span with status Error.
func TestSpanErrorStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sc        lrotest.Scenario
		opts      []lro.Option
		errorType string
		code      string
		status    string
	}{
		{"failed", lrotest.Scenario{Polls: 1, Terminal: "Failed"}, nil, "failed", "OperationFailed", "Failed"},
		{"canceled", lrotest.Scenario{Terminal: "Canceled"}, nil, "canceled", "OperationCanceled", "Canceled"},
		{"max-wait", lrotest.Scenario{Polls: -1}, []lro.Option{lro.WithPollInterval(time.Minute), lro.WithMaxWait(time.Second)},
			"max_wait", "", "InProgress"},
		{"error-status", lrotest.Scenario{Faults: []lrotest.Fault{{Status: http.StatusBadRequest}}}, nil, "error", "", "InProgress"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, tt.opts...)
			if _, err := r.do(t, context.Background(), http.MethodPost, tt.sc, ""); err == nil {
				t.Fatal("err = nil, want the operation's failure")
			}
			op := r.one(t, "lro POST")
			if op.Status().Code != codes.Error {
				t.Errorf("status = %v, want Error", op.Status())
			}
			a := attrs(op.Attributes())
			if got := a["error.type"].AsString(); got != tt.errorType {
				t.Errorf("error.type = %q, want %q", got, tt.errorType)
			}
			if got := a["lro.error.code"].AsString(); got != tt.code {
				t.Errorf("lro.error.code = %q, want %q", got, tt.code)
			}
			if got := a["lro.status"].AsString(); got != tt.status {
				t.Errorf("lro.status = %q, want %q", got, tt.status)
			}
			if d := op.Status().Description; strings.Contains(d, "http") {
				t.Errorf("status description %q names a URL", d)
			}
		})
	}
}

// A context that ends while the operation waits still ends its span, with
// status Error.
func TestSpanContextEndsMidWait(t *testing.T) {
	t.Parallel()
	r := newRig(t, lro.WithPollInterval(10*time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// End the context 20 ms into the first wait.
	ctx = lro.WithOptions(ctx, lro.WithHooks(lro.Hooks{Waiting: func(lro.WaitInfo) { time.AfterFunc(20*time.Millisecond, cancel) }}))
	start := time.Now()
	_, err := r.do(t, ctx, http.MethodPut, lrotest.Scenario{Polls: -1}, "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > time.Minute {
		t.Fatalf("returned after %v", el)
	}
	op := r.one(t, "lro PUT")
	if op.Status().Code != codes.Error || op.Status().Description != "context canceled" {
		t.Errorf("status = %v, want Error: context canceled", op.Status())
	}
	if got := attrs(op.Attributes())["error.type"].AsString(); got != "context_ended" {
		t.Errorf("error.type = %q, want context_ended", got)
	}
	if n := len(op.Events()); n != 1 || op.Events()[0].Name != "lro.wait" {
		t.Errorf("events = %v, want the one wait", op.Events())
	}
}

// Resume and each Poll step start a root span, linked to nothing, with
// lro.resumed; the requests they send are its children.
func TestSpanResumed(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := func() string {
		t.Helper()
		res := r.srv.Start(lrotest.Scenario{Polls: 1})
		req, _ := http.NewRequestWithContext(lro.WithoutPolling(context.Background()), http.MethodPut, res, strings.NewReader(`{}`))
		resp, err := r.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := lro.ResumeToken(resp)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// The caller's context holds a span of its own: the resumed span must
	// not hang below it.
	ctx, caller := r.tp.Tracer("test").Start(context.Background(), "caller")
	defer caller.End()

	resp, err := r.tr.Resume(ctx, token())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var steps []bool // pending, per Poll step
	for tok := token(); ; {
		res, err := r.tr.Poll(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if res.Done {
			res.Response.Body.Close()
			break
		}
		tok = res.Token
		if len(steps) > 5 {
			t.Fatal("Poll not done after 5 steps")
		}
		steps = append(steps, true)
	}
	steps = append(steps, false)

	ops := r.ended("lro PUT")
	if len(ops) != 1+len(steps) {
		t.Fatalf("%d operation spans, want %d (Resume, then %d Poll steps)", len(ops), 1+len(steps), len(steps))
	}
	for i, op := range ops {
		a := attrs(op.Attributes())
		if op.Parent().IsValid() || len(op.Links()) != 0 {
			t.Errorf("span %d: parent %v, links %v; want neither", i, op.Parent().SpanID(), op.Links())
		}
		if op.SpanContext().TraceID() == caller.SpanContext().TraceID() {
			t.Errorf("span %d is in the caller's trace", i)
		}
		if !a["lro.resumed"].AsBool() {
			t.Errorf("span %d: lro.resumed = %v, want true", i, a["lro.resumed"].Emit())
		}
		if i > 0 && a["lro.pending"].AsBool() != steps[i-1] {
			t.Errorf("Poll step %d: lro.pending = %v, want %v", i, a["lro.pending"].Emit(), steps[i-1])
		}
		if op.Status().Code == codes.Error {
			t.Errorf("span %d: status %v", i, op.Status())
		}
		if n := len(children(r.spans.Ended(), op)); n == 0 {
			t.Errorf("span %d has no child request span", i)
		}
	}
	// Pending Poll steps count in neither operations nor duration: Resume
	// and the last Poll step make two resumed operations.
	got := sums(t, r.collect(t)["lro.client.operations {operation}"])
	if k := "lro.outcome=succeeded,lro.resumed=true,lro.strategy=operation-location"; got[k] != 2 || len(got) != 1 {
		t.Errorf("operations = %v, want {%s: 2}", got, k)
	}
}

func children(spans []sdktrace.ReadOnlySpan, parent sdktrace.ReadOnlySpan) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Parent().SpanID() == parent.SpanContext().SpanID() {
			out = append(out, s)
		}
	}
	return out
}
