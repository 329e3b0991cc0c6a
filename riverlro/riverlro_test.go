package riverlro_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/riverlro"
)

func put(t testing.TB, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// countSteps counts an operation's requests by step.
func countSteps(s *lrotest.Server, res string) map[lrotest.Step]int {
	n := map[lrotest.Step]int{}
	for _, r := range s.Requests(res) {
		n[r.Step]++
	}
	return n
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{})
	tests := []struct {
		name      string
		sc        lrotest.Scenario
		wantState riverlro.State
		wantCode  int
		wantBody  string
		wantErr   string
		wantSteps map[lrotest.Step]int
	}{
		{"succeeds after polls", lrotest.Scenario{Polls: 3, Result: `{"nonce":"n-1"}`},
			riverlro.Succeeded, 200, `{"nonce":"n-1"}`, "", map[lrotest.Step]int{lrotest.Initial: 1, lrotest.Poll: 4, lrotest.Final: 1}},
		{"fails", lrotest.Scenario{Polls: 1, Terminal: "Failed"},
			riverlro.Failed, 200, "", "OperationFailed", map[lrotest.Step]int{lrotest.Initial: 1, lrotest.Poll: 2}},
		{"canceled by the service", lrotest.Scenario{Terminal: "Canceled"},
			riverlro.Canceled, 200, "", "OperationCanceled", map[lrotest.Step]int{lrotest.Initial: 1, lrotest.Poll: 1}},
		{"transient faults retried by River", lrotest.Scenario{Polls: 1, Result: `{"nonce":"n-2"}`, Faults: []lrotest.Fault{
			{Step: lrotest.Poll, N: 1, Status: http.StatusServiceUnavailable},
			{Step: lrotest.Poll, N: 2, Reset: true}}},
			riverlro.Succeeded, 200, `{"nonce":"n-2"}`, "", map[lrotest.Step]int{lrotest.Initial: 1, lrotest.Poll: 4, lrotest.Final: 1}},
		{"error status that is not transient", lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{
			{Step: lrotest.Poll, N: 2, Status: http.StatusForbidden}}},
			riverlro.Failed, 403, "", riverlro.CodeResponse, map[lrotest.Step]int{lrotest.Initial: 1, lrotest.Poll: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := srv.Start(tt.sc)
			id := f.start(t, put(t, res))
			op := f.await(t, id)
			if op.State != tt.wantState {
				t.Fatalf("state = %s, want %s (result %+v)", op.State, tt.wantState, op.Result)
			}
			r := op.Result
			if r.StatusCode != tt.wantCode {
				t.Errorf("status code = %d, want %d", r.StatusCode, tt.wantCode)
			}
			if tt.wantBody != "" && string(r.Body) != tt.wantBody {
				t.Errorf("body = %q, want %q", r.Body, tt.wantBody)
			}
			if r.ErrorCode != tt.wantErr {
				t.Errorf("error code = %q, want %q (message %q)", r.ErrorCode, tt.wantErr, r.ErrorMessage)
			}
			if tt.wantState == riverlro.Succeeded && r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("stored header Content-Type = %q", r.Header.Get("Content-Type"))
			}
			if op.Token == "" || op.FinishedAt.IsZero() {
				t.Errorf("token %q, finished at %v: want both kept", op.Token, op.FinishedAt)
			}
			if got := countSteps(srv, res); !equalSteps(got, tt.wantSteps) {
				t.Errorf("requests by step = %v, want %v", got, tt.wantSteps)
			}
			// Every poll took its credentials from the worker's base
			// transport; the initial request came through it too.
			for _, r := range srv.Requests(res) {
				if got := r.Header.Get("Authorization"); got != testAuth {
					t.Errorf("%s %s carried Authorization %q", r.Step, r.URL, got)
				}
			}
			if strings.Contains(op.Token, "secret") {
				t.Errorf("token holds the credential")
			}
		})
	}
}

func equalSteps(a, b map[lrotest.Step]int) bool {
	for _, s := range []lrotest.Step{lrotest.Initial, lrotest.Poll, lrotest.Final} {
		if a[s] != b[s] {
			return false
		}
	}
	return true
}

func TestTruncatedBody(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{MaxBody: 8})
	res := srv.Start(lrotest.Scenario{Result: `{"nonce":"longer than eight bytes"}`})
	op := f.await(t, f.start(t, put(t, res)))
	if op.State != riverlro.Succeeded || !op.Result.Truncated || string(op.Result.Body) != `{"nonce"` {
		t.Fatalf("state %s, truncated %v, body %q: want succeeded, truncated, the first 8 bytes", op.State, op.Result.Truncated, op.Result.Body)
	}
	res = srv.Start(lrotest.Scenario{Result: `{"a":1}`})
	op = f.await(t, f.start(t, put(t, res)))
	if op.Result.Truncated || string(op.Result.Body) != `{"a":1}` {
		t.Fatalf("a 7-byte body: truncated %v, body %q", op.Result.Truncated, op.Result.Body)
	}
}

func TestDeadlineKeepsToken(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{Deadline: 300 * time.Millisecond})
	res := srv.Start(lrotest.Scenario{Polls: -1})
	op := f.await(t, f.start(t, put(t, res)))
	if op.State != riverlro.TimedOut || op.Result.ErrorCode != riverlro.CodeDeadline {
		t.Fatalf("state %s, code %q: want timed_out, %s", op.State, op.Result.ErrorCode, riverlro.CodeDeadline)
	}
	if op.Polls == 0 {
		t.Errorf("no step recorded before the deadline")
	}
	// The kept token still works: one more step from it polls the service.
	before := srv.Count(res)
	pr, err := newTransport().Poll(context.Background(), op.Token)
	if err != nil || pr.Done || srv.Count(res) != before+1 {
		t.Fatalf("Poll(kept token) = %+v, %v; requests %d → %d", pr, err, before, srv.Count(res))
	}
}

func TestRetriesExhausted(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	maxAttempts := 3
	f := newFixture(t, riverlro.Config{InsertOpts: &river.InsertOpts{MaxAttempts: maxAttempts}})
	res := srv.Start(lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Poll, Count: -1, Status: http.StatusBadGateway}}})
	op := f.await(t, f.start(t, put(t, res)))
	if op.State != riverlro.Failed || op.Result.ErrorCode != riverlro.CodeRetriesExhausted {
		t.Fatalf("state %s, code %q: want failed, %s", op.State, op.Result.ErrorCode, riverlro.CodeRetriesExhausted)
	}
	if got := countSteps(srv, res)[lrotest.Poll]; got != maxAttempts {
		t.Errorf("polls = %d, want one per attempt (%d)", got, maxAttempts)
	}
	if !strings.Contains(op.Result.ErrorMessage, "502") {
		t.Errorf("message %q does not name the last failure", op.Result.ErrorMessage)
	}
}

func TestNotStarted(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{})
	res := srv.Start(lrotest.Scenario{Protocol: lrotest.Synchronous, Result: `{"now":true}`})
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		_, err := f.lro.Start(ctx, tx, put(t, res))
		return err
	})
	var ns *riverlro.NotStartedError
	if !errors.As(err, &ns) || !errors.Is(err, lro.ErrNotOperation) || ns.StatusCode != 200 || string(ns.Body) != `{"now":true}` {
		t.Fatalf("Start(synchronous) = %v (%+v), want a NotStartedError with the 200 and its body", err, ns)
	}
	var n int
	f.pool.QueryRow(ctx, `SELECT count(*) FROM riverlro_operation`).Scan(&n)
	if n != 0 {
		t.Errorf("%d operations stored, want 0", n)
	}
}

func TestRollbackStoresNothing(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{})
	res := srv.Start(lrotest.Scenario{Polls: 1})
	ctx := context.Background()
	tx, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.lro.Start(ctx, tx, put(t, res))
	if err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	if _, err := f.lro.Get(ctx, id); !errors.Is(err, riverlro.ErrNotFound) {
		t.Fatalf("Get after rollback = %v, want ErrNotFound", err)
	}
	time.Sleep(200 * time.Millisecond) // give the workers a chance to (wrongly) poll
	if got := countSteps(srv, res); got[lrotest.Poll] != 0 || got[lrotest.Initial] != 1 {
		t.Errorf("requests by step = %v, want the initial request only", got)
	}
}

func TestResultWrittenOnce(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{})
	op := f.await(t, f.start(t, put(t, srv.Start(lrotest.Scenario{}))))
	ctx := context.Background()
	_, err := f.pool.Exec(ctx, `UPDATE riverlro_operation SET state = 'failed' WHERE id = $1`, op.ID)
	if err == nil || !strings.Contains(err.Error(), "already ended") {
		t.Fatalf("rewriting an ended operation: err = %v, want the trigger's refusal", err)
	}
	if err := f.lro.Cancel(ctx, op.ID); !errors.Is(err, riverlro.ErrEnded) {
		t.Errorf("Cancel(ended) = %v, want ErrEnded", err)
	}
}

func TestCancelNotSupported(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{})
	res := srv.Start(lrotest.Scenario{Polls: -1})
	id := f.start(t, put(t, res))
	ctx := context.Background()
	if err := f.lro.Cancel(ctx, id); !errors.Is(err, lro.ErrCancelNotSupported) {
		t.Fatalf("Cancel = %v, want lro.ErrCancelNotSupported (no built-in strategy cancels)", err)
	}
	op, err := f.lro.Get(ctx, id)
	if err != nil || op.State != riverlro.Running || !op.CancelRequested.IsZero() {
		t.Fatalf("Get = %+v, %v: want still running, no cancel recorded", op, err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	_, pool := freshDB(t, 4)
	ctx := context.Background()
	errs := make(chan error, 3)
	for range 3 {
		go func() { errs <- riverlro.Migrate(ctx, pool) }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	var v int
	if err := pool.QueryRow(ctx, `SELECT max(version) FROM riverlro_migration`).Scan(&v); err != nil || v != 1 {
		t.Fatalf("version = %d, %v; want 1", v, err)
	}
}

// TestStepWaitsForRowLock: a step polls only while it holds its operation's
// row lock, so while someone else holds it (another run of the same job,
// say) the service sees no poll.
func TestStepWaitsForRowLock(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newStoppedFixture(t, riverlro.Config{})
	res := srv.Start(lrotest.Scenario{Result: `{"nonce":"locked"}`})
	id := f.start(t, put(t, res))
	ctx := context.Background()
	holder, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx)
	if _, err := holder.Exec(ctx, `SELECT 1 FROM riverlro_operation WHERE id = $1 FOR UPDATE`, id); err != nil {
		t.Fatal(err)
	}
	if err := f.river.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Wait until the job runs, blocked on the lock.
	for deadline := time.Now().Add(10 * time.Second); ; {
		var state string
		if err := f.pool.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, id).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state == "running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %s after 10s", state)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if got := countSteps(srv, res); got[lrotest.Poll] != 0 {
		t.Fatalf("%d polls while another transaction held the row lock, want 0", got[lrotest.Poll])
	}
	holder.Rollback(ctx)
	op := f.await(t, id)
	if op.State != riverlro.Succeeded || string(op.Result.Body) != `{"nonce":"locked"}` {
		t.Fatalf("after the lock: %s %q", op.State, op.Result.Body)
	}
}
