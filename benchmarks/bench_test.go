package benchmarks

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lrohttp/lro"
)

// impl is a client under benchmark, made over a transport to the service.
type impl struct {
	name string
	make func(s *service, rt http.RoundTripper) client
}

// impls are the three clients.
var impls = []impl{
	{"lro", func(_ *service, rt http.RoundTripper) client { return newLRO(rt) }},
	{"azcore", func(_ *service, rt http.RoundTripper) client { return newAzcore(transporter{rt}) }},
	{"hand", func(_ *service, rt http.RoundTripper) client { return newHand(rt) }},
}

// transporter adapts a RoundTripper to azcore's policy.Transporter.
type transporter struct{ rt http.RoundTripper }

func (t transporter) Do(req *http.Request) (*http.Response, error) { return t.rt.RoundTrip(req) }

var ks = []int{0, 3, 10}

// ---- 1. pass-through ----------------------------------------------------

var passCases = []struct {
	name   string
	method string
	status int
	header http.Header
	body   []byte
}{
	{"GET-200", http.MethodGet, 200, http.Header{"Content-Type": {"application/json"}}, resourceBody},
	{"POST-201", http.MethodPost, 201, http.Header{"Content-Type": {"application/json"}, "Location": {"https://svc.test/res/1"}}, resourceBody},
	// PUT and PATCH answered 200/201 without a polling header: lro must
	// peek at the body for a non-terminal provisioningState.
	{"PUT-200-state", http.MethodPut, 200, http.Header{"Content-Type": {"application/json"}}, resourceBody},
	{"PATCH-201-nostate", http.MethodPatch, 201, http.Header{"Content-Type": {"application/json"}}, putBody},
}

// BenchmarkPassThrough calls RoundTrip directly: base alone, and lro over
// base. The op includes reading and closing the body.
func BenchmarkPassThrough(b *testing.B) {
	for _, c := range passCases {
		for _, impl := range []string{"base", "lro"} {
			b.Run("case="+c.name+"/impl="+impl, func(b *testing.B) {
				base := newPassBase(c.status, c.header, c.body)
				var rt http.RoundTripper = base
				if impl == "lro" {
					rt = lro.New(base, lro.WithPollInterval(interval))
				}
				req, _ := http.NewRequest(c.method, "https://svc.test/res/1", nil)
				var buf [512]byte
				b.ReportAllocs()
				for b.Loop() {
					resp, err := rt.RoundTrip(req)
					if err != nil || resp.StatusCode != c.status {
						b.Fatal(err, resp)
					}
					readAll(b, resp.Body, buf[:], len(c.body))
				}
				b.ReportMetric(1, "req/op")
			})
		}
	}
}

// BenchmarkPassThroughClient is the same through an http.Client, as
// programs call it, with a fresh request each time.
func BenchmarkPassThroughClient(b *testing.B) {
	for _, c := range passCases {
		for _, impl := range []string{"base", "lro"} {
			b.Run("case="+c.name+"/impl="+impl, func(b *testing.B) {
				base := newPassBase(c.status, c.header, c.body)
				var rt http.RoundTripper = base
				if impl == "lro" {
					rt = lro.New(base, lro.WithPollInterval(interval))
				}
				hc := &http.Client{Transport: rt}
				ctx := context.Background()
				var buf [512]byte
				b.ReportAllocs()
				for b.Loop() {
					req, _ := http.NewRequestWithContext(ctx, c.method, "https://svc.test/res/1", nil)
					resp, err := hc.Do(req)
					if err != nil || resp.StatusCode != c.status {
						b.Fatal(err, resp)
					}
					readAll(b, resp.Body, buf[:], len(c.body))
				}
				b.ReportMetric(1, "req/op")
			})
		}
	}
}

func readAll(b *testing.B, r io.ReadCloser, buf []byte, want int) {
	n := 0
	for {
		m, err := r.Read(buf)
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	r.Close()
	if n != want {
		b.Fatalf("read %d bytes, want %d", n, want)
	}
}

// ---- 2 and 3. whole operations ------------------------------------------

// BenchmarkPutOL: PUT answered 201 + Operation-Location, K in-progress
// monitor answers, a Succeeded one, then the final GET of the resource:
// K+3 requests. In memory.
func BenchmarkPutOL(b *testing.B) { benchOps(b, false, http.MethodPut) }

// BenchmarkPostLocation: POST answered 202 + Location, K 202s from the
// status URL, then its 200 carrying the result (the final GET): K+2
// requests. In memory.
func BenchmarkPostLocation(b *testing.B) { benchOps(b, false, http.MethodPost) }

// BenchmarkPutOLLoopback and BenchmarkPostLocationLoopback do the same
// over loopback sockets (keep-alive connections) to the same service.
func BenchmarkPutOLLoopback(b *testing.B)        { benchOps(b, true, http.MethodPut) }
func BenchmarkPostLocationLoopback(b *testing.B) { benchOps(b, true, http.MethodPost) }

// opsImpls are the clients of the whole-operation benchmarks: the three,
// and floor (floorClient), the least any client can do there.
var opsImpls = append(impls[:len(impls):len(impls)],
	impl{"floor", func(_ *service, rt http.RoundTripper) client { return newFloor(rt) }})

func benchOps(b *testing.B, loopback bool, method string) {
	for _, k := range ks {
		for _, impl := range opsImpls {
			b.Run(fmt.Sprintf("K=%d/impl=%s", k, impl.name), func(b *testing.B) {
				s, rt, stop := start(loopback, k, 1)
				defer stop()
				c := impl.make(s, rt)
				ctx := context.Background()
				url := s.base + "/res/0"
				run := c.put
				want := k + 3
				if method == http.MethodPost {
					run, want = c.post, k+2
				}
				if _, err := run(ctx, url); err != nil { // warm up, check
					b.Fatal(err)
				}
				s.reqs.Store(0)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					r, err := run(ctx, url)
					if err != nil {
						b.Fatal(err)
					}
					if r.Name != "res" {
						b.Fatalf("result %+v", r)
					}
				}
				b.StopTimer()
				reqs := s.reqs.Load()
				if reqs != int64(want*b.N) {
					b.Errorf("%d requests for %d operations, want %d each", reqs, b.N, want)
				}
				b.ReportMetric(float64(reqs)/float64(b.N), "req/op")
			})
		}
	}
}

// start serves s in memory (evicting the caches before each answer when
// LRO_BENCH_EVICT gives a size), or over loopback sockets.
func start(loopback bool, k, nops int) (*service, http.RoundTripper, func()) {
	if !loopback {
		s := newService("https://svc.test", k, nops)
		if n, err := strconv.Atoi(os.Getenv("LRO_BENCH_EVICT")); err == nil && n > 0 {
			s.evict = make([]byte, n)
		}
		return s, s, func() {}
	}
	return startLoopback(k, nops, nil)
}

// startLoopback serves s over loopback sockets, on the listener wrap makes
// of the server's when wrap is not nil (TestSameRequests records with it).
func startLoopback(k, nops int, wrap func(net.Listener) net.Listener) (*service, http.RoundTripper, func()) {
	var s *service
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.ServeHTTP(w, r) }))
	if wrap != nil {
		srv.Listener = wrap(srv.Listener)
	}
	srv.Start()
	s = newService(srv.URL, k, nops)
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	return s, tr, func() { tr.CloseIdleConnections(); srv.Close() }
}

// ---- 4. many operations in flight ----------------------------------------

const inFlight = 10_000

// BenchmarkInFlight starts 10,000 operations that wait between polls (a
// one-minute interval), measures the heap and goroutines they hold while
// waiting, then cancels them. heap-B/op-waiting and goroutines/op-waiting
// count what is held beyond the callers' goroutines; the service answers
// with fresh header maps, as a socket would. The heap counts what the
// callers hold too: lro's and azcore's callers are blocked in a call, which
// keeps their request and the client's state alive. impl=blocked measures
// that alone: a caller blocked in http.Client.Do on a transport that sent
// the request, read its answer and waits (blocker); lro's heap minus it is
// what lro keeps alive.
func BenchmarkInFlight(b *testing.B) {
	for _, name := range []string{"lro", "azcore", "hand", "blocked"} {
		b.Run("impl="+name, func(b *testing.B) {
			var heap, stack, gor float64
			for i := 0; i < b.N; i++ {
				h, st, g := waitingCost(b, name)
				heap += h
				stack += st
				gor += g
			}
			b.ReportMetric(heap/float64(b.N), "heap-B/waiting-op")
			b.ReportMetric(stack/float64(b.N), "stack-B/waiting-op")
			b.ReportMetric(gor/float64(b.N), "extra-goroutines/waiting-op")
		})
	}
}

func waitingCost(b *testing.B, name string) (heapPerOp, stackPerOp, goroutinesPerOp float64) {
	b.StopTimer()
	s := newService("https://svc.test", 3, inFlight)
	s.clone = true
	var c client
	perOp := int64(1) // requests an operation sends before its first wait
	switch name {
	case "lro":
		c = newLRO(s, lro.WithPollInterval(time.Minute))
	case "azcore":
		a := newAzcore(s).(azClient)
		a.frequency = time.Minute
		c = a
		perOp = 2 // PollUntilDone polls at once, then waits
	case "hand":
		h := newHand(s).(handClient)
		h.interval = time.Minute
		c = h
	case "blocked":
		c = lroClient{&http.Client{Transport: blocker{s}}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make([]string, inFlight)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/res/%d", s.base, i)
	}
	// Warm up: one operation, so lazily built state is not counted.
	{
		wctx, wcancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _, _ = c.put(wctx, urls[0]); close(done) }()
		waitFor(func() bool { return s.reqs.Load() == perOp })
		time.Sleep(10 * time.Millisecond)
		wcancel()
		<-done
		s.reqs.Store(0)
	}
	var ready sync.WaitGroup // the callers' goroutines exist
	var wg sync.WaitGroup
	startCh := make(chan struct{})
	ready.Add(inFlight)
	wg.Add(inFlight)
	for i := range inFlight {
		go func() {
			defer wg.Done()
			ready.Done()
			<-startCh
			_, _ = c.put(ctx, urls[i])
		}()
	}
	ready.Wait()
	time.Sleep(50 * time.Millisecond)
	g0, h0, s0 := stats()
	b.StartTimer()
	close(startCh)
	waitFor(func() bool { return s.reqs.Load() == perOp*inFlight })
	b.StopTimer()
	time.Sleep(300 * time.Millisecond) // let every caller reach its wait
	g1, h1, s1 := stats()
	cancel()
	wg.Wait()
	runtime.KeepAlive(urls)
	return float64(int64(h1)-int64(h0)) / inFlight, float64(int64(s1)-int64(s0)) / inFlight, float64(g1-g0) / inFlight
}

// blocker is a transport that blocks its caller as lro does while an
// operation waits, and keeps nothing: it sends the request, reads and
// closes the answer, and returns when the request's context ends.
type blocker struct{ rt http.RoundTripper }

func (b blocker) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	drain(resp)
	<-req.Context().Done()
	return nil, req.Context().Err()
}

// stats returns the goroutines, the live heap and the stack memory in use.
// The callers' goroutines exist, parked, before the first measure: the
// stack difference is what the operations grew them by.
func stats() (goroutines int, heap, stack uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapAlloc, m.StackInuse
}

func waitFor(cond func() bool) {
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

// ---- 5. latency to completion ----------------------------------------------

const latencyRetryAfter = 20 * time.Millisecond

// BenchmarkLatency: a PUT with Operation-Location and one in-progress
// answer carrying retry-after-ms: 20. The operation is done the moment the
// service sends that answer. ms-after-done is the time from then to the
// return of the call; ms-over-retry-after subtracts the 20 ms the service
// asked for; polls-after-done must be 1 (the poll that sees Succeeded), and
// the final GET follows it.
func BenchmarkLatency(b *testing.B) {
	for _, net := range []string{"mem", "loopback"} {
		for _, impl := range impls {
			b.Run("net="+net+"/impl="+impl.name, func(b *testing.B) {
				s, rt, stop := start(net == "loopback", 1, 1)
				defer stop()
				s.setRetryAfterMS(int(latencyRetryAfter / time.Millisecond))
				c := impl.make(s, rt)
				ctx := context.Background()
				url := s.base + "/res/0"
				var after time.Duration
				var polls int64
				for i := 0; i < b.N; i++ {
					if _, err := c.put(ctx, url); err != nil {
						b.Fatal(err)
					}
					end := time.Now()
					after += end.Sub(time.Unix(0, s.ops[0].doneAt.Load()))
					polls += s.ops[0].polls.Load()
				}
				ms := float64(after) / float64(b.N) / 1e6
				b.ReportMetric(ms, "ms-after-done")
				b.ReportMetric(ms-float64(latencyRetryAfter)/1e6, "ms-over-retry-after")
				b.ReportMetric(float64(polls)/float64(b.N), "polls-after-done")
				b.ReportMetric(float64(s.reqs.Load())/float64(b.N), "req/op")
			})
		}
	}
}
