package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lrohttp/lro/lrotest"
)

// spec is one planned operation: what lrotest will do, and so what its
// recorded outcome must be.
type spec struct {
	URL    string // resource URL, on the service's front
	Polls  int    // in-progress answers before the terminal one
	Fail   bool   // ends Failed
	Nonce  string // the final body's nonce (successes)
	Faults int    // transient faults injected into its polls
	monID  string // lrotest's id of the operation ("op7")
}

// minimum is the protocol's fewest requests after the initial one: every
// in-progress poll, the terminal poll, and the final GET of a success.
func (s spec) minimum() int {
	if s.Fail {
		return s.Polls + 1
	}
	return s.Polls + 2
}

// service is the simulated LRO service behind a front that can hold a
// worker's requests (so a test can kill it mid-step), and that records any
// request arriving while another of its operation is in flight (two
// workers polling one operation at once) or without the workers'
// credential. Operations use relative URLs, so every request comes
// through the front.
type service struct {
	srv   *lrotest.Server
	front *httptest.Server

	mu       sync.Mutex
	gated    map[string]chan struct{} // worker name -> closed when a request is held
	inflight map[string]int           // operation id -> requests in flight
	overlaps []string                 // requests that came while another of their operation was in flight
	badAuth  []string                 // requests without the workers' credential
}

func newService() *service {
	s := &service{srv: lrotest.NewServer(), gated: map[string]chan struct{}{}, inflight: map[string]int{}}
	inner := s.srv.Handler()
	s.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// /resources/op7, /operations/op7, /results/op7: the id is the
		// second segment.
		id := r.URL.Path
		if seg := strings.SplitN(strings.TrimPrefix(id, "/"), "/", 3); len(seg) > 1 {
			id = seg[1]
		}
		s.mu.Lock()
		held, ok := s.gated[r.Header.Get("X-Worker")]
		if s.inflight[id]++; s.inflight[id] > 1 {
			s.overlaps = append(s.overlaps, r.Method+" "+r.URL.Path+" from "+r.Header.Get("X-Worker"))
		}
		if r.Header.Get("Authorization") != workerAuth {
			s.badAuth = append(s.badAuth, r.Method+" "+r.URL.Path)
		}
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inflight[id]--
			s.mu.Unlock()
		}()
		if ok {
			// Held: the service never sees this request. It ends when the
			// worker dies (or the front closes).
			select {
			case <-held:
			default:
				close(held)
			}
			<-r.Context().Done()
			return
		}
		inner.ServeHTTP(w, r)
	}))
	return s
}

func (s *service) Close() {
	s.front.CloseClientConnections()
	s.front.Close()
	s.srv.Close()
}

// hold makes the front hold every request of worker from now on. The
// channel closes once one is held.
func (s *service) hold(worker string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.gated[worker] = ch
	return ch
}

// plan registers n operations with random poll counts, failures and
// transient faults.
func (s *service) plan(rng *rand.Rand, n int) []spec {
	specs := make([]spec, n)
	for i := range specs {
		sp := spec{Polls: rng.IntN(5), Fail: rng.IntN(100) < 15}
		sc := lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: sp.Polls, RelativeURLs: true}
		if sp.Fail {
			sc.Terminal = "Failed"
		} else {
			sp.Nonce = fmt.Sprintf("nonce-%d-%08x", i, rng.Uint32())
			sc.Result = `{"nonce":"` + sp.Nonce + `"}`
		}
		switch k := rng.IntN(100); {
		case k < 15:
			sc.Faults = []lrotest.Fault{{Step: lrotest.Poll, N: 1 + rng.IntN(sp.Polls+1), Status: http.StatusServiceUnavailable}}
			sp.Faults = 1
		case k < 25:
			sc.Faults = []lrotest.Fault{{Step: lrotest.Poll, N: 1 + rng.IntN(sp.Polls+1), Reset: true}}
			sp.Faults = 1
		}
		res := s.srv.Start(sc)
		sp.monID = res[strings.LastIndex(res, "/")+1:]
		sp.URL = s.front.URL + "/resources/" + sp.monID
		specs[i] = sp
	}
	return specs
}

// steps counts the requests the service saw for sp, by step.
func (s *service) steps(sp spec) (initial, polls, finals int) {
	for _, r := range s.srv.Requests(sp.URL) {
		switch r.Step {
		case lrotest.Initial:
			initial++
		case lrotest.Poll:
			polls++
		case lrotest.Final:
			finals++
		}
	}
	return
}

func writeURLs(path string, specs []spec) error {
	urls := make([]string, len(specs))
	for i, sp := range specs {
		urls[i] = sp.URL
	}
	b, _ := json.Marshal(urls)
	return os.WriteFile(path, b, 0o644)
}

// row is an operation as stored.
type row struct {
	ID       int64
	State    string
	Body     string
	ErrCode  string
	ErrMsg   string
	Polls    int
	Finished bool
}

func readRows(ctx context.Context, pool *pgxpool.Pool) ([]row, error) {
	rows, err := pool.Query(ctx, `SELECT id, state, coalesce(convert_from(body, 'UTF8'), ''), coalesce(error_code, ''),
		coalesce(error_message, ''), polls, finished_at IS NOT NULL FROM riverlro_operation ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.State, &r.Body, &r.ErrCode, &r.ErrMsg, &r.Polls, &r.Finished); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// counts is the number of operations in each state.
func counts(ctx context.Context, pool *pgxpool.Pool) (map[string]int, error) {
	rows, err := pool.Query(ctx, `SELECT state, count(*) FROM riverlro_operation GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		m[st] = n
	}
	return m, rows.Err()
}

// report is what verify found.
type report struct {
	Problems []string
	Requests int // requests after the initial ones
	Minimum  int // the protocol minimum of those
	Faults   int // transient faults injected
}

// verify checks every operation's stored outcome against its spec and the
// service's request log.
func verify(ctx context.Context, pool *pgxpool.Pool, s *service, specs []spec) (report, error) {
	rows, err := readRows(ctx, pool)
	if err != nil {
		return report{}, err
	}
	var rep report
	bad := func(format string, a ...any) {
		if len(rep.Problems) < 20 {
			rep.Problems = append(rep.Problems, fmt.Sprintf(format, a...))
		}
	}
	byNonce := map[string]int{}
	byFailure := map[string]int{}
	for _, r := range rows {
		switch r.State {
		case "succeeded":
			var b struct{ Nonce string }
			if json.Unmarshal([]byte(r.Body), &b) != nil || b.Nonce == "" {
				bad("operation %d succeeded with body %q", r.ID, r.Body)
			}
			byNonce[b.Nonce]++
		case "failed":
			// lrotest's message: "operation op7 ended Failed".
			f := strings.Fields(r.ErrMsg)
			if r.ErrCode != "OperationFailed" || len(f) < 2 {
				bad("operation %d failed with %s: %s", r.ID, r.ErrCode, r.ErrMsg)
				continue
			}
			byFailure[f[1]]++
		default:
			bad("operation %d ended %s (%s: %s)", r.ID, r.State, r.ErrCode, r.ErrMsg)
		}
	}
	if len(rows) != len(specs) {
		bad("%d operations stored, want %d", len(rows), len(specs))
	}
	for _, sp := range specs {
		initial, polls, finals := s.steps(sp)
		rep.Requests += polls + finals
		rep.Minimum += sp.minimum()
		rep.Faults += sp.Faults
		if initial != 1 {
			bad("%s: %d initial requests, want 1", sp.monID, initial)
		}
		if sp.Fail {
			if n := byFailure[sp.monID]; n != 1 {
				bad("%s should have failed: %d failure outcomes recorded", sp.monID, n)
			}
			if finals != 0 {
				bad("%s failed but saw %d final GETs", sp.monID, finals)
			}
		} else {
			if n := byNonce[sp.Nonce]; n != 1 {
				bad("%s should have succeeded with %s: %d such outcomes recorded", sp.monID, sp.Nonce, n)
			}
			if finals != 1 {
				bad("%s: the service saw %d final GETs, want 1", sp.monID, finals)
			}
		}
		if polls < sp.Polls+1+sp.Faults {
			bad("%s: %d polls, fewer than the %d it takes", sp.monID, polls, sp.Polls+1+sp.Faults)
		}
	}
	s.mu.Lock()
	for _, o := range s.overlaps {
		bad("two requests of one operation in flight at once: %s", o)
	}
	for _, a := range s.badAuth {
		bad("%s came without the workers' credential", a)
	}
	s.mu.Unlock()
	return rep, nil
}
