package otellro_test

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/otellro"
)

// With otelhttp as the base, the operation span hangs below the initial
// request's span, and each poll's and the final GET's span below it.
func ExampleHooks() {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Polls: 1})

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	base := otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(tp))
	client := &http.Client{Transport: lro.New(base, lro.WithPollInterval(10*time.Millisecond),
		lro.WithHooks(otellro.Hooks(otellro.WithTracerProvider(tp))))}

	req, _ := http.NewRequest(http.MethodPut, resource, strings.NewReader(`{}`))
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	name := map[string]string{} // span ID -> name
	for _, s := range rec.Ended() {
		name[s.SpanContext().SpanID().String()] = s.Name()
	}
	for _, s := range rec.Ended() {
		parent := name[s.Parent().SpanID().String()]
		if parent == "" {
			parent = "(root)"
		}
		fmt.Printf("%s <- %s\n", s.Name(), parent)
	}
	// Output:
	// HTTP PUT <- (root)
	// HTTP GET <- lro PUT
	// HTTP GET <- lro PUT
	// lro PUT <- HTTP PUT
	// HTTP GET <- lro PUT
}
