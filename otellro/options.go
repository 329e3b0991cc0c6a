package otellro

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Option configures Hooks.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	tp    trace.TracerProvider
	mp    metric.MeterProvider
	props propagation.TextMapPropagator
}

// WithTracerProvider sets the provider of the tracer that records the
// operation spans. nil (and no option) means the global provider,
// otel.GetTracerProvider(), as it is when Hooks is called.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) { c.tp = tp })
}

// WithMeterProvider sets the provider of the meter that records the
// operation metrics. nil (and no option) means the global provider,
// otel.GetMeterProvider(), as it is when Hooks is called.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.mp = mp })
}

// WithPropagators sets the propagators that find the initial request's span
// in the headers of the request the base transport sent, when that request's
// context holds no span (a base that injects trace headers but does not put
// its span in the context). nil (and no option) means the global
// propagators, otel.GetTextMapPropagator(). With otelhttp as the base the
// context holds the span and the propagators are not consulted.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return optionFunc(func(c *config) { c.props = p })
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o.apply(&c)
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	if c.props == nil {
		c.props = otel.GetTextMapPropagator()
	}
	return c
}
