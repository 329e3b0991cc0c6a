package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

// TestMain lets the test binary play the fleet's processes: the crash test
// starts it again with FLEET_ROLE set.
func TestMain(m *testing.M) {
	if role := os.Getenv("FLEET_ROLE"); role != "" {
		os.Exit(child(role))
	}
	if os.Getenv("DATABASE_URL") == "" {
		fmt.Fprintln(os.Stderr, "fleet: TestCrash skipped: DATABASE_URL not set (a throwaway server: export $(bash riverlro/dev/pg.sh start))")
	}
	os.Exit(m.Run())
}

// TestCrash runs 2,000 operations with random poll counts, failures and
// transient faults over 4 worker processes, SIGKILLs a worker mid-step
// twice (a new one joins each time), and checks that every operation has
// exactly one outcome, the right one; that none is left running; that the
// service saw no initial request and no final GET twice; that no operation
// had two requests in flight at once; that every request carried the
// workers' credential.
//
// "Mid-step": the service's front holds the victim's requests (the
// service never sees them), and the kill comes 2 s after one is held, so
// the victim dies with requests in flight and row locks taken.
// A kill between a final GET's answer and its commit would repeat that GET
// (at-least-once, which no store avoids); holding the victim's requests
// first keeps the kill out of that window, so the check can be exact.
func TestCrash(t *testing.T) {
	if os.Getenv("DATABASE_URL") == "" {
		t.Skip("fleet: DATABASE_URL not set")
	}
	const n, workers, conc = 2000, 4, 25
	ctx := context.Background()
	f, err := newFleet(ctx, conc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	specs := f.svc.plan(rand.New(rand.NewPCG(seed, 0)), n)
	for i := 1; i <= workers; i++ {
		if err := f.startWorker(fmt.Sprintf("w%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	api, err := f.startAPI(specs)
	if err != nil {
		t.Fatal(err)
	}
	kills := []struct {
		at             int // done operations that trigger the kill
		victim, joiner string
	}{{n / 4, "w1", "w5"}, {n / 2, "w2", "w6"}}
	killed := 0
	err = f.waitDone(ctx, n, 3*time.Minute, func(c map[string]int, total int) {
		done := total - c["running"]
		if killed == len(kills) || done < kills[killed].at {
			return
		}
		k := kills[killed]
		killed++
		held := f.svc.hold(k.victim)
		select {
		case <-held:
		case <-time.After(15 * time.Second):
			t.Errorf("%s sent no request in 15s: it was not mid-step", k.victim)
		}
		// Answers the victim got before its requests were held have a
		// moment to commit; its held requests stay in flight.
		time.Sleep(2 * time.Second)
		if err := f.kill(k.victim); err != nil {
			t.Error(err)
		}
		if err := f.startWorker(k.joiner); err != nil {
			t.Error(err)
		}
		t.Logf("%.1fs: %d done; SIGKILLed %s mid-step, %s joined", time.Since(start).Seconds(), done, k.victim, k.joiner)
	})
	elapsed := time.Since(start)
	if werr := api.Wait(); werr != nil {
		t.Errorf("api process: %v", werr)
	}
	if api.lines != n {
		t.Errorf("api started %d operations, want %d", api.lines, n)
	}
	f.stopWorkers()
	if err != nil {
		c, _ := counts(ctx, f.pool)
		t.Fatalf("%v: %v", err, c)
	}
	if killed != len(kills) {
		t.Errorf("%d kills, want %d", killed, len(kills))
	}
	rep, err := verify(ctx, f.pool, f.svc, specs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Error(p)
	}
	var live int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&live); err != nil || live != 0 {
		t.Errorf("%d River jobs not finalized (%v)", live, err)
	}
	t.Logf("%d operations in %.1fs: %.0f ops/s over %d worker processes; %.2f requests per operation after the initial one, protocol minimum %.2f plus %.2f injected faults",
		n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), workers, float64(rep.Requests)/n, float64(rep.Minimum)/n, float64(rep.Faults)/n)
}
