// Command benchtable turns `go test -bench` output (any -count) into the
// markdown tables of the README's performance section: the median of each
// metric per benchmark, with ratios against azcore and the hand-written
// loop (LRO benchmarks) or against the base transport (pass-through).
//
//	go run ./cmd/benchtable results.txt
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// row is one benchmark and impl: group is its name without the impl
// ("PutOL/K=3").
type row struct {
	group, impl string
	vals        map[string][]float64
}

var procs = regexp.MustCompile(`-\d+$`)

// opImpls are the clients of the whole-operation tables, in their order.
var opImpls = []string{"lro", "azcore", "hand", "floor"}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtable results.txt")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	rows := map[[2]string]*row{}
	var order [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := procs.ReplaceAllString(strings.TrimPrefix(fields[0], "Benchmark"), "")
		group, impl, ok := strings.Cut(name, "/impl=")
		if !ok {
			continue
		}
		k := [2]string{group, impl}
		r := rows[k]
		if r == nil {
			r = &row{group: group, impl: impl, vals: map[string][]float64{}}
			rows[k] = r
			order = append(order, k)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err == nil {
				r.vals[fields[i+1]] = append(r.vals[fields[i+1]], v)
			}
		}
	}
	med := func(group, impl, unit string) (float64, bool) {
		r := rows[[2]string{group, impl}]
		if r == nil || len(r.vals[unit]) == 0 {
			return 0, false
		}
		v := slices.Clone(r.vals[unit])
		slices.Sort(v)
		n := len(v)
		if n%2 == 1 {
			return v[n/2], true
		}
		return (v[n/2-1] + v[n/2]) / 2, true
	}
	groups := func(prefix string) []string {
		var gs []string
		for _, k := range order {
			if strings.HasPrefix(k[0], prefix) && !slices.Contains(gs, k[0]) {
				gs = append(gs, k[0])
			}
		}
		return gs
	}

	// Pass-through.
	for _, bench := range []string{"PassThrough/", "PassThroughClient/"} {
		gs := groups(bench)
		if len(gs) == 0 {
			continue
		}
		fmt.Printf("\n**%s** (median; base = the in-memory transport alone)\n\n", strings.TrimSuffix(bench, "/"))
		fmt.Println("| case | base ns/op | lro ns/op | lro − base | lro ÷ base | base allocs | lro allocs | lro B/op |")
		fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|")
		for _, g := range gs {
			bt, _ := med(g, "base", "ns/op")
			lt, _ := med(g, "lro", "ns/op")
			ba, _ := med(g, "base", "allocs/op")
			la, _ := med(g, "lro", "allocs/op")
			lb, _ := med(g, "lro", "B/op")
			fmt.Printf("| %s | %.1f | %.1f | %+.1f ns | %.2f× | %.0f | %.0f | %.0f |\n",
				strings.TrimPrefix(g, bench+"case="), bt, lt, lt-bt, lt/bt, ba, la, lb)
		}
	}

	// Whole operations.
	for _, bench := range []string{"PutOL/", "PostLocation/", "PutOLLoopback/", "PostLocationLoopback/"} {
		gs := groups(bench)
		if len(gs) == 0 {
			continue
		}
		fmt.Printf("\n**%s** (median)\n\n", strings.TrimSuffix(bench, "/"))
		fmt.Println("| K | impl | µs/op | allocs/op | B/op | req/op | time ÷ azcore | allocs ÷ azcore | time ÷ hand | allocs ÷ hand |")
		fmt.Println("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
		for _, g := range gs {
			at, _ := med(g, "azcore", "ns/op")
			aa, _ := med(g, "azcore", "allocs/op")
			ht, _ := med(g, "hand", "ns/op")
			ha, _ := med(g, "hand", "allocs/op")
			for _, impl := range opImpls {
				t, ok := med(g, impl, "ns/op")
				if !ok {
					continue
				}
				a, _ := med(g, impl, "allocs/op")
				b, _ := med(g, impl, "B/op")
				rq, _ := med(g, impl, "req/op")
				fmt.Printf("| %s | %s | %.1f | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f |\n",
					strings.TrimPrefix(g, bench+"K="), impl, t/1e3, a, b, rq, t/at, a/aa, t/ht, a/ha)
			}
		}
		// Per extra poll: the slope between the smallest and largest K.
		if len(gs) >= 2 {
			lo, hi := gs[0], gs[len(gs)-1]
			klo, _ := strconv.Atoi(strings.TrimPrefix(lo, bench+"K="))
			khi, _ := strconv.Atoi(strings.TrimPrefix(hi, bench+"K="))
			fmt.Printf("\nPer extra poll (K=%d → K=%d):", klo, khi)
			for _, impl := range opImpls {
				a0, ok0 := med(lo, impl, "allocs/op")
				a1, ok1 := med(hi, impl, "allocs/op")
				t0, _ := med(lo, impl, "ns/op")
				t1, _ := med(hi, impl, "ns/op")
				if ok0 && ok1 && khi > klo {
					d := float64(khi - klo)
					fmt.Printf(" %s %.1f allocs, %.1f µs;", impl, (a1-a0)/d, (t1-t0)/d/1e3)
				}
			}
			fmt.Println()
		}
	}

	// In flight.
	if gs := groups("InFlight"); len(gs) > 0 {
		fmt.Printf("\n**InFlight**: 10,000 operations waiting between polls (median)\n\n")
		fmt.Println("| impl | heap B per waiting op | stack B grown per waiting caller | heap + stack | goroutines added per op |")
		fmt.Println("|---|--:|--:|--:|--:|")
		for _, impl := range []string{"lro", "azcore", "hand", "blocked"} {
			h, ok := med(gs[0], impl, "heap-B/waiting-op")
			if !ok {
				continue
			}
			g, _ := med(gs[0], impl, "extra-goroutines/waiting-op")
			if st, ok := med(gs[0], impl, "stack-B/waiting-op"); ok {
				fmt.Printf("| %s | %.0f | %.0f | %.0f | %.2f |\n", impl, h, st, h+st, g)
			} else {
				fmt.Printf("| %s | %.0f | – | – | %.2f |\n", impl, h, g)
			}
		}
		l, okl := med(gs[0], "lro", "heap-B/waiting-op")
		b, okb := med(gs[0], "blocked", "heap-B/waiting-op")
		if okl && okb {
			fmt.Printf("\nWhat lro keeps alive beyond a caller blocked in `Do` (lro − blocked): %.0f B of heap per waiting op.\n", l-b)
		}
	}

	// Latency.
	if gs := groups("Latency/"); len(gs) > 0 {
		fmt.Printf("\n**Latency**: from the service marking the operation done to the call returning; Retry-After 20 ms (median)\n\n")
		fmt.Println("| net | impl | ms after done | ms over Retry-After | polls after done | req/op |")
		fmt.Println("|---|---|--:|--:|--:|--:|")
		for _, g := range gs {
			for _, impl := range []string{"lro", "azcore", "hand"} {
				ms, ok := med(g, impl, "ms-after-done")
				if !ok {
					continue
				}
				over, _ := med(g, impl, "ms-over-retry-after")
				p, _ := med(g, impl, "polls-after-done")
				rq, _ := med(g, impl, "req/op")
				fmt.Printf("| %s | %s | %.2f | %.2f | %.0f | %.0f |\n", strings.TrimPrefix(g, "Latency/net="), impl, ms, over, p, rq)
			}
		}
	}
}
