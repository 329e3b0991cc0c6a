package lro_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

// soakFull asks for the full soak outside CI:
//
//	go test -run '^TestSoak$' -v . -soak
var soakFull = flag.Bool("soak", false, "TestSoak: run the full soak (10,000 operations) even without CI=true")

// TestSoak runs operations through one Transport over loopback, 256 in
// flight, each drawn at random from relFaultCases (every fault of the
// issue's list, and clean runs). Every call must end with the outcome its
// scenario dictates, resumed when the scenario says so; afterwards
// goroutines and open file descriptors return to their baseline, and the
// heap's peak (sampled) stays under 512 MiB.
//
// How many: 10,000 with CI=true (.ci/run) or -soak; 1,000 otherwise, so a
// plain go test ./... stays fast; LRO_SOAK_OPS overrides both.
// LRO_SOAK_SEED replays a run.
func TestSoak(t *testing.T) {
	ops := 1000
	if os.Getenv("CI") == "true" || *soakFull {
		ops = 10000
	}
	if v := os.Getenv("LRO_SOAK_OPS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("LRO_SOAK_OPS=%q: want a positive integer", v)
		}
		ops = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("LRO_SOAK_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	const inflight = 256

	srv := lrotest.NewServer()
	defer srv.Close()
	base := &http.Transport{MaxIdleConnsPerHost: inflight, MaxIdleConns: inflight}
	counter := &lrotest.Recorder{Base: base, CountOnly: true}
	tr := lro.New(counter, relFast()...)

	// Baselines, once the server listens and nothing runs.
	runtime.GC()
	goroutines0, fds0 := runtime.NumGoroutine(), relOpenFDs(t)

	var peakHeap atomic.Uint64
	stopSampling := make(chan struct{})
	var sampling sync.WaitGroup
	sampling.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peakHeap.Load() {
				peakHeap.Store(ms.HeapAlloc)
			}
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
		}
	})

	cases := relFaultCases()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	picks := make([]int, ops)
	for i := range picks {
		picks[i] = rng.IntN(len(cases))
	}
	var (
		mu       sync.Mutex
		failures []string
		counts   = make([]int, len(cases))
		slowest  time.Duration
	)
	start := time.Now()
	sem := make(chan struct{}, inflight)
	var wg sync.WaitGroup
	for i, pick := range picks {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			tc := cases[pick]
			sc := tc.sc
			sc.NoLog = true
			u := srv.Start(sc)
			ctx := lro.WithOptions(context.Background(), tc.opts...)
			t0 := time.Now()
			status, body, err := relDo(ctx, tr, tc.method, u, nil)
			d := time.Since(t0)
			verr := relVerify(tr, tc.want, status, body, err)
			mu.Lock()
			defer mu.Unlock()
			counts[pick]++
			slowest = max(slowest, d)
			if verr != nil && len(failures) < 20 {
				failures = append(failures, fmt.Sprintf("op %d (%s): %v", i, tc.name, verr))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	sampling.Wait()

	for _, f := range failures {
		t.Error(f)
	}
	if err := counter.CheckBodies(); err != nil {
		t.Error(err)
	}
	faults := 0
	for i, n := range counts {
		if sc := cases[i].sc; len(sc.Faults) > 0 || sc.LocationLoop || sc.Polls < 0 {
			faults += n
		}
	}

	// Everything lro and the test started must go away once the idle
	// connections are closed (the server's side of them closes after).
	base.CloseIdleConnections() // tr's would not reach it through the counter
	var goroutines, fds int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		goroutines, fds = runtime.NumGoroutine(), relOpenFDs(t)
		if goroutines <= goroutines0 && fds <= fds0 || time.Now().After(deadline) {
			break
		}
	}
	t.Logf("soak: %d operations (%d with injected faults, seed %d), %d in flight, in %v; slowest call %v; %d requests",
		ops, faults, seed, inflight, elapsed.Round(time.Millisecond), slowest.Round(time.Millisecond), counter.Count())
	t.Logf("soak: peak heap %.1f MiB; goroutines %d -> %d; open fds %d -> %d",
		float64(peakHeap.Load())/(1<<20), goroutines0, goroutines, fds0, fds)
	if goroutines > goroutines0 {
		t.Errorf("goroutines: %d after, %d before", goroutines, goroutines0)
	}
	if fds > fds0 {
		t.Errorf("open file descriptors: %d after, %d before", fds, fds0)
	}
	if peak := peakHeap.Load(); peak > 512<<20 {
		t.Errorf("peak heap %d MiB, want under 512 MiB", peak>>20)
	}
	if slowest > time.Minute {
		t.Errorf("slowest call took %v: something hung until a limit far above the scenarios'", slowest)
	}
}

// relOpenFDs counts the process's open file descriptors (Linux); -1
// elsewhere, which disables the check.
func relOpenFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}
