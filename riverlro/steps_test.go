package riverlro_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/riverlro"
)

// TestStepPollsFromSavedToken: each step polls from the token the step
// before saved. Every 202 names a new status URL (LocationHops), so a run
// that started from an older token would poll an older URL.
func TestStepPollsFromSavedToken(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{})
	res := srv.Start(lrotest.Scenario{Protocol: lrotest.Location, Polls: 3, LocationHops: true, Result: `{"nonce":"hops"}`})
	req, err := http.NewRequest(http.MethodPost, res, strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	op := f.await(t, f.start(t, req))
	if op.State != riverlro.Succeeded || string(op.Result.Body) != `{"nonce":"hops"}` {
		t.Fatalf("state %s, body %q: want succeeded with the result", op.State, op.Result.Body)
	}
	var got []string
	for _, r := range srv.Requests(res) {
		if r.Step == lrotest.Poll {
			got = append(got, regexp.MustCompile(`/op\d+`).ReplaceAllString(r.URL, "/op"))
		}
	}
	want := []string{"/operations/op", "/operations/op/1", "/operations/op/2", "/operations/op/3"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("polled %q, want %q: each step from the last saved token", got, want)
	}
	if op.Polls != len(want) {
		t.Errorf("Polls = %d, want %d", op.Polls, len(want))
	}
}

// TestStepSnoozesForNext: after a step, the job waits for the delay the
// service asked for (Retry-After: 30), and Get shows the step's token and
// status while it does.
func TestStepSnoozesForNext(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	f := newFixture(t, riverlro.Config{})
	res := srv.Start(lrotest.Scenario{Polls: -1, RetryAfter: 30 * time.Second})
	id := f.start(t, put(t, res))
	ctx := context.Background()
	initial, err := f.lro.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var (
		state string
		wait  float64 // seconds until the job is due
	)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if err := f.pool.QueryRow(ctx, `SELECT state, extract(epoch FROM scheduled_at - now())::float8 FROM river_job WHERE id = $1`, id).Scan(&state, &wait); err != nil {
			t.Fatal(err)
		}
		if state == "scheduled" || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if state != "scheduled" || wait < 20 || wait > 30 {
		t.Fatalf("job %s, due in %.1fs: want scheduled about 30s ahead (the Retry-After)", state, wait)
	}
	if n := countSteps(srv, res)[lrotest.Poll]; n != 1 {
		t.Errorf("%d polls, want 1 before the snooze ends", n)
	}
	op, err := f.lro.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if op.State != riverlro.Running || op.Polls != 1 || op.ServiceStatus != "Running" || op.Token == initial.Token {
		t.Errorf("Get = state %s, %d polls, status %q, token changed %v; want running, 1, Running, a new token",
			op.State, op.Polls, op.ServiceStatus, op.Token != initial.Token)
	}
}
