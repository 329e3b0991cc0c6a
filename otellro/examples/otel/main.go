// Command otel runs one long-running operation against lro's simulated
// service, with otelhttp as the base transport and otellro's hooks, and
// prints its spans as the SDK's stdout exporter writes them, then an
// indented tree of their names.
//
//	cd otellro && go run ./examples/otel
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/otellro"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run creates a resource with a PUT that the simulated service answers 201
// and Operation-Location, lets lro finish it, and prints the spans.
func run(ctx context.Context, out io.Writer) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Polls: 2, PercentComplete: true})

	exp, err := stdouttrace.New(stdouttrace.WithWriter(out), stdouttrace.WithPrettyPrint())
	if err != nil {
		return err
	}
	rec := tracetest.NewSpanRecorder() // keeps the spans for the tree
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithSpanProcessor(rec))
	defer tp.Shutdown(ctx)

	// otelhttp gives every request a client span; otellro gives the
	// operation its span and puts it in the context of lro's own requests.
	base := otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(tp),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()))
	client := &http.Client{Transport: lro.New(base, lro.WithPollInterval(50*time.Millisecond),
		lro.WithHooks(otellro.Hooks(otellro.WithTracerProvider(tp), otellro.WithMeterProvider(metricnoop.NewMeterProvider()))))}

	req, err := http.NewRequestWithContext(ctx, http.MethodPut, resource+"?api-version=2024-01-01", strings.NewReader(`{}`))
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	resp.Body.Close() // ends the final GET's span

	fmt.Fprintln(out, "span tree:")
	printTree(out, rec.Ended())
	return nil
}

// printTree prints the names of spans, each child under its parent,
// indented, in the order they started.
func printTree(out io.Writer, spans []sdktrace.ReadOnlySpan) {
	slices.SortFunc(spans, func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) })
	ids := map[trace.SpanID]bool{}
	for _, s := range spans {
		ids[s.SpanContext().SpanID()] = true
	}
	var walk func(parent trace.SpanID, depth int)
	walk = func(parent trace.SpanID, depth int) {
		for _, s := range spans {
			p := s.Parent().SpanID()
			if !ids[p] {
				p = trace.SpanID{} // a root here
			}
			if p == parent {
				fmt.Fprintf(out, "%s%s\n", strings.Repeat("  ", depth), s.Name())
				walk(s.SpanContext().SpanID(), depth+1)
			}
		}
	}
	walk(trace.SpanID{}, 0)
}
