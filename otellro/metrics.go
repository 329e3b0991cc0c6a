package otellro

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// durationBuckets are the duration histogram's bucket bounds, in seconds:
// operations take from a fraction of a second to hours.
var durationBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200}

// instruments creates h's instruments on m. One that fails is a no-op, and
// its error goes to otel.Handle.
func (h *hooks) instruments(m metric.Meter) {
	var nop noop.Meter
	var err error
	if h.duration, err = m.Float64Histogram("lro.client.operation.duration",
		metric.WithDescription("Duration of long-running operations, from the response that started one (or from Resume or Poll) to its end."),
		metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		otel.Handle(err)
		h.duration, _ = nop.Float64Histogram("")
	}
	if h.ops, err = m.Int64Counter("lro.client.operations",
		metric.WithDescription("Long-running operations ended, by outcome."),
		metric.WithUnit("{operation}")); err != nil {
		otel.Handle(err)
		h.ops, _ = nop.Int64Counter("")
	}
	if h.polls, err = m.Int64Counter("lro.client.polls",
		metric.WithDescription("Poll responses of long-running operations."),
		metric.WithUnit("{poll}")); err != nil {
		otel.Handle(err)
		h.polls, _ = nop.Int64Counter("")
	}
	if h.active, err = m.Int64UpDownCounter("lro.client.active_operations",
		metric.WithDescription("Long-running operations in progress in this process."),
		metric.WithUnit("{operation}")); err != nil {
		otel.Handle(err)
		h.active, _ = nop.Int64UpDownCounter("")
	}
}
