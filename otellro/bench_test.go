package otellro_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/otellro"
	"github.com/lrohttp/lro/strategies"
)

// fakeService answers in memory, so that the benchmarks measure lro and the
// adapter rather than sockets: PUT /res/{n} starts an Operation-Location
// operation whose monitor answers Running polls times, then Succeeded;
// GET /res/{n} is the result. lro waits 1 ns between polls.
type fakeService struct {
	polls int
	mu    sync.Mutex
	seen  map[int]int // polls answered, by operation in progress
	done  int         // operations whose result was fetched
	last  int         // polls the last operation answered
}

func (f *fakeService) RoundTrip(req *http.Request) (*http.Response, error) {
	resp := &http.Response{StatusCode: 200, Header: http.Header{}, Request: req}
	body := `{"name":"res"}`
	id, _ := strconv.Atoi(req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:])
	switch {
	case req.Method == http.MethodPut:
		resp.StatusCode = 201
		resp.Header.Set("Operation-Location", "http://svc.test/ops/"+strconv.Itoa(id))
		body = `{"properties":{"provisioningState":"Creating"}}`
	case strings.HasPrefix(req.URL.Path, "/ops/"):
		f.mu.Lock()
		f.seen[id]++
		n := f.seen[id]
		f.mu.Unlock()
		body = `{"status":"Succeeded"}`
		if n <= f.polls {
			body = `{"status":"Running","percentComplete":50}`
		}
	default: // the result
		f.mu.Lock()
		f.last = f.seen[id]
		delete(f.seen, id)
		f.done++
		f.mu.Unlock()
	}
	resp.Body = io.NopCloser(strings.NewReader(body))
	return resp, nil
}

// provider is a setting of the benchmarks: otellro's options, or none
// (nil otel) for lro without otellro.
type provider struct {
	name string
	otel func() []otellro.Option
}

var providers = []provider{
	{"none", nil},
	{"noop", func() []otellro.Option {
		return []otellro.Option{otellro.WithTracerProvider(tracenoop.NewTracerProvider()),
			otellro.WithMeterProvider(metricnoop.NewMeterProvider())}
	}},
	{"sdk", func() []otellro.Option {
		// Spans sampled and recorded, exported nowhere; metrics
		// aggregated for a manual reader.
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		return []otellro.Option{otellro.WithTracerProvider(tp), otellro.WithMeterProvider(mp)}
	}},
}

// BenchmarkOperation runs whole operations through lro over an in-memory
// service, without otellro (none) and with it on the no-op providers and
// on the SDK. Against none, polls=0 gives what the adapter adds per
// operation; (polls=10 - polls=0)/10 what it adds per poll.
func BenchmarkOperation(b *testing.B) {
	for _, p := range providers {
		for _, polls := range []int{0, 10} {
			b.Run("provider="+p.name+"/polls="+strconv.Itoa(polls), func(b *testing.B) {
				svc := &fakeService{polls: polls, seen: map[int]int{}}
				opts := []lro.Option{lro.WithPollInterval(time.Nanosecond)}
				if p.otel != nil {
					opts = append(opts, lro.WithHooks(otellro.Hooks(p.otel()...)))
				}
				tr := lro.New(svc, opts...)
				b.ReportAllocs()
				n := 0
				for b.Loop() {
					n++
					req, _ := http.NewRequestWithContext(context.Background(), http.MethodPut, "http://svc.test/res/"+strconv.Itoa(n), nil)
					resp, err := tr.RoundTrip(req)
					if err != nil {
						b.Fatal(err)
					}
					resp.Body.Close()
				}
				if svc.done != n || svc.last != polls+1 {
					b.Fatalf("%d of %d operations done, the last after %d polls; want all, after %d", svc.done, n, svc.last, polls+1)
				}
			})
		}
	}
}

// BenchmarkHooks calls otellro's hooks as lro does for one operation
// (Context, Started, then Waiting and Polled per poll, then Done), without
// lro or I/O, so that the time is the adapter's own: polls=0 is its cost per
// operation, (polls=10 - polls=0)/10 its cost per poll.
func BenchmarkHooks(b *testing.B) {
	for _, p := range providers[1:] {
		for _, polls := range []int{0, 10} {
			b.Run("provider="+p.name+"/polls="+strconv.Itoa(polls), func(b *testing.B) {
				h := otellro.Hooks(p.otel()...)
				start, token := startInfo()
				b.ReportAllocs()
				for b.Loop() {
					ctx := h.Context(start)
					started := start
					started.Context, started.Token = ctx, token
					h.Started(started)
					for n := range polls {
						h.Waiting(lro.WaitInfo{Context: ctx, Attempt: n, Delay: time.Second, Reason: lro.WaitInterval})
						h.Polled(lro.PollInfo{Context: ctx, Attempt: n + 1, StatusCode: 200, Status: strategies.InProgress,
							HasPercentComplete: true, PercentComplete: 50})
					}
					h.Done(lro.DoneInfo{Context: ctx, Status: strategies.Succeeded, Elapsed: time.Second, Requests: polls + 2})
				}
			})
		}
	}
}

// BenchmarkPollNoop calls otellro's Waiting and Polled hooks, as lro does
// for each poll, within one operation begun by its Context hook; with the
// no-op providers they must not allocate, which it checks.
func BenchmarkPollNoop(b *testing.B) {
	h := otellro.Hooks(otellro.WithTracerProvider(tracenoop.NewTracerProvider()),
		otellro.WithMeterProvider(metricnoop.NewMeterProvider()))
	start, _ := startInfo()
	ctx := h.Context(start)
	wait := lro.WaitInfo{Context: ctx, Attempt: 1, Reason: lro.WaitInterval}
	poll := lro.PollInfo{Context: ctx, Attempt: 1, StatusCode: 200, Status: strategies.InProgress, HasPercentComplete: true, PercentComplete: 50}
	step := func() { h.Waiting(wait); h.Polled(poll) }
	if a := testing.AllocsPerRun(100, step); a != 0 {
		b.Fatalf("a poll allocates %v times with the no-op providers, want 0", a)
	}
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
	b.StopTimer()
	h.Done(lro.DoneInfo{Context: ctx, Status: strategies.Succeeded})
}

// startInfo is what lro hands the Context hook for a PUT, and a token of
// the size lro makes for it.
func startInfo() (lro.StartInfo, string) {
	req, _ := http.NewRequest(http.MethodPut, "http://svc.test/res/1?api-version=2024-01-01", nil)
	return lro.StartInfo{Context: context.Background(), Request: req, Method: req.Method, URL: req.URL.String(),
		Strategy: "operation-location", PollURL: "http://svc.test/ops/1", Status: strategies.InProgress}, strings.Repeat("t", 300)
}
