// Command fleet runs long-running operations on River across processes:
// it starts the simulated LRO service (lrotest), a database, an API
// process that starts N operations, and W worker processes that carry them
// to their end, then prints a summary and checks every outcome.
//
//	go run ./example/fleet -n 300 -w 3
//
// DATABASE_URL names a PostgreSQL server to use (fleet creates a database
// of its own there and drops it at the end; it needs CREATEDB); without it,
// fleet starts a throwaway cluster with dev/pg.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

func main() {
	if role := os.Getenv("FLEET_ROLE"); role != "" {
		os.Exit(child(role))
	}
	n := flag.Int("n", 300, "operations to start")
	w := flag.Int("w", 3, "worker processes")
	conc := flag.Int("concurrency", 25, "River MaxWorkers of each worker process")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed of the plan")
	flag.Parse()
	if err := runFleet(*n, *w, *conc, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

// child runs one of the processes fleet starts, from its environment.
func child(role string) int {
	var err error
	switch role {
	case "worker":
		conc, _ := strconv.Atoi(os.Getenv("FLEET_CONCURRENCY"))
		err = runWorker(os.Getenv("FLEET_DB"), os.Getenv("FLEET_NAME"), max(conc, 1))
	case "api":
		err = runAPI(os.Getenv("FLEET_DB"), os.Getenv("FLEET_URLS"))
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "fleet %s: %v\n", role, err)
		return 1
	}
	return 0
}

func runFleet(n, w, conc int, seed uint64) error {
	ctx := context.Background()
	f, err := newFleet(ctx, conc)
	if err != nil {
		return err
	}
	defer f.Close()
	specs := f.svc.plan(rand.New(rand.NewPCG(seed, 0)), n)
	fmt.Printf("fleet: %d operations (seed %d), %d workers × %d, database %s\n", n, seed, w, conc, f.dbName)
	for i := 1; i <= w; i++ {
		if err := f.startWorker(fmt.Sprintf("w%d", i)); err != nil {
			return err
		}
	}
	start := time.Now()
	api, err := f.startAPI(specs)
	if err != nil {
		return err
	}
	var printed time.Time
	err = f.waitDone(ctx, n, 10*time.Minute, func(c map[string]int, total int) {
		if time.Since(printed) < time.Second && !(total >= n && c["running"] == 0) {
			return
		}
		printed = time.Now()
		fmt.Printf("  %5.1fs  stored %d/%d  running %d  succeeded %d  failed %d\n",
			time.Since(start).Seconds(), total, n, c["running"], c["succeeded"], c["failed"])
	})
	elapsed := time.Since(start)
	if werr := api.Wait(); werr != nil && err == nil {
		err = fmt.Errorf("api process: %w", werr)
	}
	f.stopWorkers()
	if err != nil {
		return err
	}
	rep, err := verify(ctx, f.pool, f.svc, specs)
	if err != nil {
		return err
	}
	c, _ := counts(ctx, f.pool)
	fmt.Printf("fleet: %d operations in %.1fs (%.0f ops/s): %d succeeded, %d failed\n",
		n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), c["succeeded"], c["failed"])
	fmt.Printf("fleet: %.2f requests per operation after the initial one; protocol minimum %.2f, plus %.2f injected faults\n",
		float64(rep.Requests)/float64(n), float64(rep.Minimum)/float64(n), float64(rep.Faults)/float64(n))
	if len(rep.Problems) > 0 {
		for _, p := range rep.Problems {
			fmt.Println("  problem:", p)
		}
		return fmt.Errorf("%d outcomes wrong", len(rep.Problems))
	}
	fmt.Println("fleet: every operation has exactly one outcome, the right one; no initial request or final GET was sent twice, and no operation had two requests in flight at once")
	return nil
}
