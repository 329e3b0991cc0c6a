// Package otellro traces and measures lro's long-running operations with
// OpenTelemetry.
//
// Hooks returns lro.Hooks that give each operation a span and record its
// life in metrics. Give them to lro.New, with otelhttp as the base
// transport so that every request has its client span:
//
//	base := otelhttp.NewTransport(http.DefaultTransport)
//	client := &http.Client{Transport: lro.New(base, lro.WithHooks(otellro.Hooks()))}
//
// # Spans
//
// An operation is one span of kind internal, named "lro " and the method
// ("lro PUT"). It starts when the response that starts the operation
// arrives and ends when the operation ends, however it ends. Its parent is
// the initial request's client span (found in the context of the request
// the base transport sent, else in its headers through the propagators,
// else in the caller's context). The operation's own requests (polls,
// retries, redirects, the final GET) carry the operation span in their
// context, so otelhttp makes their client spans its children.
//
// A resumed operation (lro.Transport.Resume, and each lro.Transport.Poll
// step) starts a new root span, linked to nothing, with lro.resumed=true.
// A Poll step that leaves the operation running ends its span with
// lro.pending=true.
//
// The span carries lro.strategy, http.request.method, url.full (the
// original URL without its query, fragment or password), lro.polls (the
// polls answered), lro.requests (the requests sent in all), lro.status (the
// operation's last status), lro.resume_token.size (in bytes; never the
// token) and, when the service said why it failed, lro.error.code. Each
// poll adds an event "lro.poll" (http.response.status_code, lro.status and,
// when the service sent it, lro.percent_complete); each wait adds an event
// "lro.wait" (lro.wait.delay in seconds, lro.wait.reason). The status is
// Error, with error.type set to the outcome, for any outcome but succeeded
// and pending. Error messages are not recorded: lro's name URLs, whose
// queries may hold signatures.
//
// # Metrics
//
// All are recorded with the meter "github.com/lrohttp/lro/otellro", and
// their attributes are lro.strategy and, where said, lro.outcome and
// lro.resumed: no URL and no token.
//
//	lro.client.operation.duration   histogram, s; by strategy, outcome, resumed
//	lro.client.operations           counter, {operation}; by strategy, outcome, resumed
//	lro.client.polls                counter, {poll}; by strategy
//	lro.client.active_operations    up-down counter, {operation}; by strategy
//
// The outcome is one of succeeded, failed and canceled (the service said
// so), context_ended (the caller's context ended), max_wait (the operation
// outlived lro.WithMaxWait) and error (anything else: an error status, a
// transport failure, a refused URL). A Poll step that leaves the operation
// running is counted in neither duration nor operations; the duration of a
// resumed operation is that of the resumed part.
package otellro

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/lrohttp/lro/otellro"

// Attribute keys.
const (
	keyStrategy  = attribute.Key("lro.strategy")
	keyOutcome   = attribute.Key("lro.outcome")
	keyResumed   = attribute.Key("lro.resumed")
	keyPending   = attribute.Key("lro.pending")
	keyPolls     = attribute.Key("lro.polls")
	keyRequests  = attribute.Key("lro.requests")
	keyStatus    = attribute.Key("lro.status")
	keyTokenSize = attribute.Key("lro.resume_token.size")
	keyErrorCode = attribute.Key("lro.error.code")
	keyPercent   = attribute.Key("lro.percent_complete")
	keyDelay     = attribute.Key("lro.wait.delay")
	keyReason    = attribute.Key("lro.wait.reason")
	keyMethod    = attribute.Key("http.request.method")
	keyURL       = attribute.Key("url.full")
	keyHTTPCode  = attribute.Key("http.response.status_code")
	keyErrorType = attribute.Key("error.type")
)

// Outcomes, the values of lro.outcome.
const (
	outcomeSucceeded = "succeeded"
	outcomeFailed    = "failed"
	outcomeCanceled  = "canceled"
	outcomeContext   = "context_ended"
	outcomeMaxWait   = "max_wait"
	outcomeError     = "error"
	outcomePending   = "pending"
)

// Hooks returns hooks that trace and measure the operations they observe.
// Give them to lro.New (every operation) or to lro.WithOptions (one
// request's). The instruments are created here; an error creating one goes
// to otel.Handle and leaves that instrument a no-op. The hooks are safe
// for concurrent use.
func Hooks(opts ...Option) lro.Hooks {
	c := newConfig(opts)
	h := &hooks{
		tracer: c.tp.Tracer(ScopeName),
		props:  c.props,
	}
	h.instruments(c.mp.Meter(ScopeName))
	return lro.Hooks{Context: h.context, Started: h.started, Polled: h.polled, Waiting: h.waiting, Done: h.done}
}

type hooks struct {
	tracer trace.Tracer
	props  propagation.TextMapPropagator

	byStrategy sync.Map // strategy name -> []metric.AddOption
	byOutcome  sync.Map // outcomeKey -> metric.MeasurementOption

	duration metric.Float64Histogram
	ops      metric.Int64Counter
	polls    metric.Int64Counter
	active   metric.Int64UpDownCounter
}

// op is the state of one operation, in its context under the key *hooks.
// Only the goroutine running the operation touches it.
type op struct {
	span     trace.Span
	strategy attribute.KeyValue
	resumed  bool
	polls    int
	// byStrategy holds metric.WithAttributeSet(lro.strategy), made once
	// per strategy, so that a poll adds no allocation.
	byStrategy []metric.AddOption
}

func (h *hooks) state(ctx context.Context) *op {
	if ctx == nil {
		return nil
	}
	o, _ := ctx.Value(h).(*op)
	return o
}

func (h *hooks) context(i lro.StartInfo) context.Context {
	ctx := i.Context
	o := &op{strategy: keyStrategy.String(i.Strategy), resumed: i.Request == nil, byStrategy: h.strategyOpts(i.Strategy)}
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(o.strategy, keyMethod.String(i.Method))}
	parent := ctx
	if o.resumed {
		opts = append(opts, trace.WithNewRoot(), trace.WithAttributes(keyResumed.Bool(true)))
	} else {
		parent = h.initialSpan(ctx, i)
	}
	_, o.span = h.tracer.Start(parent, spanName(i.Method), opts...)
	if o.span.IsRecording() {
		o.span.SetAttributes(keyURL.String(stripQuery(i.URL)))
	}
	ctx = context.WithValue(trace.ContextWithSpan(ctx, o.span), h, o)
	h.active.Add(ctx, 1, o.byStrategy...)
	return ctx
}

// strategyOpts returns the metric option that sets lro.strategy to name,
// made once per strategy (a Transport's chain names few).
func (h *hooks) strategyOpts(name string) []metric.AddOption {
	if v, ok := h.byStrategy.Load(name); ok {
		return v.([]metric.AddOption)
	}
	v, _ := h.byStrategy.LoadOrStore(name, []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(keyStrategy.String(name)))})
	return v.([]metric.AddOption)
}

type outcomeKey struct {
	strategy, outcome string
	resumed           bool
}

// outcomeOpt returns the metric option that sets lro.strategy, lro.outcome
// and lro.resumed, made once per combination.
func (h *hooks) outcomeOpt(strategy, outcome string, resumed bool) metric.MeasurementOption {
	k := outcomeKey{strategy, outcome, resumed}
	if v, ok := h.byOutcome.Load(k); ok {
		return v.(metric.MeasurementOption)
	}
	v, _ := h.byOutcome.LoadOrStore(k, metric.WithAttributeSet(attribute.NewSet(
		keyStrategy.String(strategy), keyOutcome.String(outcome), keyResumed.Bool(resumed))))
	return v.(metric.MeasurementOption)
}

// spanName is "lro " and method, without building the common ones.
func spanName(method string) string {
	switch method {
	case http.MethodPut:
		return "lro PUT"
	case http.MethodPost:
		return "lro POST"
	case http.MethodPatch:
		return "lro PATCH"
	case http.MethodDelete:
		return "lro DELETE"
	}
	return "lro " + method
}

// initialSpan returns ctx carrying the initial request's span as the
// parent: the span in the context of the request the base transport sent
// (otelhttp's), else the one its headers name (a base that injects headers
// without touching the context), else ctx's own. A span that is ctx's own
// is not the initial request's.
func (h *hooks) initialSpan(ctx context.Context, i lro.StartInfo) context.Context {
	if i.Response == nil || i.Response.Request == nil {
		return ctx
	}
	own := trace.SpanContextFromContext(ctx)
	sent := i.Response.Request
	if sc := trace.SpanContextFromContext(sent.Context()); sc.IsValid() && !sc.Equal(own) {
		return trace.ContextWithSpanContext(ctx, sc)
	}
	if ext := h.props.Extract(ctx, propagation.HeaderCarrier(sent.Header)); trace.SpanContextFromContext(ext).IsValid() {
		return ext
	}
	return ctx
}

func (h *hooks) started(i lro.StartInfo) {
	if o := h.state(i.Context); o != nil && o.span.IsRecording() {
		o.span.SetAttributes(keyTokenSize.Int(len(i.Token)))
	}
}

func (h *hooks) polled(i lro.PollInfo) {
	o := h.state(i.Context)
	if o == nil {
		return
	}
	o.polls++
	h.polls.Add(i.Context, 1, o.byStrategy...)
	if !o.span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{keyHTTPCode.Int(i.StatusCode), keyStatus.String(string(i.Status))}
	if i.HasPercentComplete {
		attrs = append(attrs, keyPercent.Float64(i.PercentComplete))
	}
	o.span.AddEvent("lro.poll", trace.WithAttributes(attrs...))
}

func (h *hooks) waiting(i lro.WaitInfo) {
	o := h.state(i.Context)
	if o == nil || !o.span.IsRecording() {
		return
	}
	o.span.AddEvent("lro.wait", trace.WithAttributes(keyDelay.Float64(i.Delay.Seconds()), keyReason.String(string(i.Reason))))
}

func (h *hooks) done(i lro.DoneInfo) {
	o := h.state(i.Context)
	if o == nil {
		return
	}
	outcome := outcomeOf(i)
	h.active.Add(i.Context, -1, o.byStrategy...)
	if !i.Pending {
		set := h.outcomeOpt(o.strategy.Value.AsString(), outcome, o.resumed)
		h.duration.Record(i.Context, i.Elapsed.Seconds(), set)
		h.ops.Add(i.Context, 1, set)
	}
	if o.span.IsRecording() {
		o.span.SetAttributes(keyPolls.Int(o.polls), keyRequests.Int(i.Requests), keyStatus.String(string(i.Status)))
		if i.Pending {
			o.span.SetAttributes(keyPending.Bool(true))
		}
		var oe *lro.OperationError
		if errors.As(i.Err, &oe) && oe.Code != "" {
			o.span.SetAttributes(keyErrorCode.String(oe.Code))
		}
		if outcome != outcomeSucceeded && outcome != outcomePending {
			o.span.SetAttributes(keyErrorType.String(outcome))
			o.span.SetStatus(codes.Error, describe(outcome, i))
		}
	}
	o.span.End()
}

// outcomeOf classifies how an operation (or a Poll step) ended.
func outcomeOf(i lro.DoneInfo) string {
	switch {
	case i.Err == nil && i.Pending:
		return outcomePending
	case i.Err == nil:
		return outcomeSucceeded
	case errors.Is(i.Err, lro.ErrMaxWait):
		return outcomeMaxWait
	case i.Context != nil && i.Context.Err() != nil:
		return outcomeContext
	}
	var oe *lro.OperationError
	if errors.As(i.Err, &oe) {
		if i.Status == strategies.Canceled {
			return outcomeCanceled
		}
		return outcomeFailed
	}
	return outcomeError
}

// describe is the span status description: what ended the operation,
// without the error's text (it names URLs, whose queries may be secret).
func describe(outcome string, i lro.DoneInfo) string {
	switch outcome {
	case outcomeFailed, outcomeCanceled:
		return "operation " + string(i.Status)
	case outcomeContext:
		return i.Context.Err().Error()
	case outcomeMaxWait:
		return lro.ErrMaxWait.Error()
	}
	var re *lro.ResponseError
	if errors.As(i.Err, &re) && re.Response != nil {
		return "lro: " + re.Phase + " answered " + re.Response.Status
	}
	return "lro: operation could not go on"
}

// stripQuery returns u without its query, fragment and password.
func stripQuery(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = "", false, "", ""
	return p.Redacted()
}
