package lro_test

// The reliability guarantees of the README's "Guarantees" section, each as
// tests that fail when it breaks. Fault injection goes through lrotest over
// loopback with a real http.Transport; protocol corner cases use one
// httpmock.MockTransport per test. Helpers are prefixed rel.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

// relHTTP is a loopback http.Transport whose idle connections are closed
// when the test ends, so goleak in TestMain sees no connection goroutine.
func relHTTP(t testing.TB) *http.Transport {
	tr := &http.Transport{MaxIdleConnsPerHost: 512, ForceAttemptHTTP2: false}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func relServer(t testing.TB) *lrotest.Server {
	s := lrotest.NewServer()
	t.Cleanup(s.Close)
	return s
}

// relMaxWait is relFast's WithMaxWait: the longest any call of the fault
// cases may run, whatever the load.
const relMaxWait = 30 * time.Second

// relFast are options that keep loopback tests fast: waits of milliseconds
// whatever the server asks, and quick retries.
func relFast(extra ...lro.Option) []lro.Option {
	return append([]lro.Option{
		lro.WithPollInterval(2 * time.Millisecond),
		lro.WithMaxDelay(20 * time.Millisecond),
		lro.WithBackoff(nil, time.Millisecond, 5*time.Millisecond),
		// Generous: cases that test these limits set their own. Under the
		// soak (256 in flight, -race, 2 cores shared with other packages)
		// a healthy loopback poll has been seen to take over 2 s.
		lro.WithPollTimeout(10 * time.Second),
		lro.WithMaxWait(relMaxWait),
	}, extra...)
}

// relDo sends method to u through rt and, on success, reads and closes the
// body.
func relDo(ctx context.Context, rt http.RoundTripper, method, u string, h http.Header) (status int, body string, err error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, "", err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// relOutcome is what a call must end with.
type relOutcome struct {
	status   int    // the final status, on success
	body     string // a substring of the final body, on success
	err      error  // a sentinel the error wraps (errors.Is), or nil
	errType  string // "poll", "response", "operation" or "" for success
	errCode  int    // ResponseError.StatusCode, when errType is "response"
	resumeOK bool   // Resume with the error's token must then succeed
}

// relCheck checks status, body and err of a call against want; on error it
// checks the token and, if want.resumeOK, resumes with it.
func relCheck(t *testing.T, tr *lro.Transport, want relOutcome, status int, body string, err error) {
	t.Helper()
	if e := relVerify(tr, want, status, body, err); e != nil {
		t.Fatal(e)
	}
}

// relVerify is relCheck returning what is wrong, for use off the test's
// goroutine.
func relVerify(tr *lro.Transport, want relOutcome, status int, body string, err error) error {
	if want.errType == "" {
		if err != nil {
			return fmt.Errorf("err = %v, want status %d", err, want.status)
		}
		if status != want.status || !strings.Contains(body, want.body) {
			return fmt.Errorf("got %d %q, want %d with %q", status, body, want.status, want.body)
		}
		return nil
	}
	if err == nil {
		return fmt.Errorf("got %d %q, want a %s error", status, body, want.errType)
	}
	var pe *lro.PollError
	var re *lro.ResponseError
	var oe *lro.OperationError
	switch want.errType {
	case "poll":
		if !errors.As(err, &pe) {
			return fmt.Errorf("err = %T %v, want *PollError", err, err)
		}
	case "response":
		if !errors.As(err, &re) {
			return fmt.Errorf("err = %T %v, want *ResponseError", err, err)
		}
		if want.errCode != 0 && re.StatusCode != want.errCode {
			return fmt.Errorf("ResponseError.StatusCode = %d, want %d", re.StatusCode, want.errCode)
		}
	case "operation":
		if !errors.As(err, &oe) {
			return fmt.Errorf("err = %T %v, want *OperationError", err, err)
		}
	}
	if want.err != nil && !errors.Is(err, want.err) {
		return fmt.Errorf("err = %v, want it to wrap %v", err, want.err)
	}
	tok, ok := lro.TokenFromError(err)
	if !ok {
		return fmt.Errorf("err = %v carries no resume token", err)
	}
	if want.resumeOK {
		resp, err := tr.Resume(context.Background(), tok)
		if err != nil {
			return fmt.Errorf("Resume: %v", err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != want.status || !strings.Contains(string(b), want.body) {
			return fmt.Errorf("Resume: got %d %q (read err %v), want %d with %q", resp.StatusCode, b, err, want.status, want.body)
		}
	}
	return nil
}

// relFaultCase is one lrotest scenario over loopback and the outcome it
// dictates. The soak test draws from the same table.
type relFaultCase struct {
	name    string
	method  string
	sc      lrotest.Scenario
	opts    []lro.Option
	want    relOutcome
	maxTime time.Duration // the call must end within this
}

// relFaultCases are the faults of the list, each with its outcome.
// Options make limits short so that stopping is quick; relFast sets the rest.
func relFaultCases() []relFaultCase {
	put := http.MethodPut
	return []relFaultCase{
		{name: "ok", method: put, sc: lrotest.Scenario{Polls: 2},
			want: relOutcome{status: 200, body: "Succeeded"}, maxTime: 5 * time.Second},
		{name: "reset mid-body on a poll, retried", method: put,
			sc:   lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{Reset: true}}},
			want: relOutcome{status: 200, body: "Succeeded"}, maxTime: 5 * time.Second},
		{name: "reset mid-body on the final GET, resumed", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Final, Reset: true}}},
			want: relOutcome{status: 200, body: "Succeeded", errType: "poll", err: io.ErrUnexpectedEOF, resumeOK: true}, maxTime: 5 * time.Second},
		{name: "slow poll past the per-poll timeout, retried", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Delay: 5 * time.Second}}},
			opts: []lro.Option{lro.WithPollTimeout(time.Second)},
			want: relOutcome{status: 200, body: "Succeeded"}, maxTime: 4 * time.Second},
		{name: "slow polls past the per-poll timeout, retries exhausted", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Delay: 5 * time.Second, Count: 3}}},
			opts: []lro.Option{lro.WithPollTimeout(time.Second), lro.WithMaxRetries(1)},
			want: relOutcome{status: 200, body: "Succeeded", errType: "poll", err: lro.ErrRetriesExhausted, resumeOK: true}, maxTime: 4 * time.Second},
		{name: "429 burst with Retry-After", method: put,
			sc: lrotest.Scenario{Polls: 1, RetryAfterMS: true,
				Faults: []lrotest.Fault{{Status: 429, Count: 3, RetryAfter: 30 * time.Second}}},
			want: relOutcome{status: 200, body: "Succeeded"}, maxTime: 3 * time.Second},
		{name: "503 burst with Retry-After", method: http.MethodPost,
			sc: lrotest.Scenario{Polls: 1, WithLocation: true,
				Faults: []lrotest.Fault{{Status: 503, Count: 4, RetryAfter: time.Hour}}},
			want: relOutcome{status: 200, body: "done"}, maxTime: 3 * time.Second},
		{name: "503 past the retries, resumed", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Status: 503, Count: 3, RetryAfter: time.Second}}},
			opts: []lro.Option{lro.WithMaxRetries(1)},
			want: relOutcome{status: 200, body: "Succeeded", errType: "response", errCode: 503, err: lro.ErrRetriesExhausted, resumeOK: true}, maxTime: 3 * time.Second},
		{name: "500 on the final GET, retried", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Final, Status: 500, Count: 2}}},
			want: relOutcome{status: 200, body: "Succeeded"}, maxTime: 3 * time.Second},
		{name: "500 on the final GET past the retries, resumed", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Final, Status: 500, Count: 3}}},
			opts: []lro.Option{lro.WithMaxRetries(1)},
			want: relOutcome{status: 200, body: "Succeeded", errType: "response", errCode: 500, err: lro.ErrRetriesExhausted, resumeOK: true}, maxTime: 3 * time.Second},
		{name: "500 forever", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Status: 500, Count: -1}}},
			opts: []lro.Option{lro.WithMaxRetries(2)},
			want: relOutcome{errType: "response", errCode: 500, err: lro.ErrRetriesExhausted}, maxTime: 3 * time.Second},
		{name: "404 forever", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Status: 404, Count: -1}}},
			opts: []lro.Option{lro.WithNotFoundGrace(50 * time.Millisecond)},
			want: relOutcome{errType: "response", errCode: 404}, maxTime: 3 * time.Second},
		{name: "404 grace ending in success", method: put,
			sc: lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{Status: 404, Count: 3}}},
			// The grace is wall time, and under a loaded -race soak (256 in
			// flight) three polls have taken over 14 s. Both the grace and
			// WithMaxWait count from the initial response, so a grace of
			// twice relMaxWait cannot run out before the call's own limit
			// ends it (a poll sent just before that limit still answers
			// within the grace), however slow the polls: the 404s always
			// end first. The grace's end is "404 forever"'s case.
			opts: []lro.Option{lro.WithNotFoundGrace(2 * relMaxWait)},
			want: relOutcome{status: 200, body: "Succeeded"}, maxTime: 3 * time.Second},
		{name: "404 grace ending in failure", method: put,
			sc:   lrotest.Scenario{Polls: 1, Terminal: "Failed", Faults: []lrotest.Fault{{Status: 404, Count: 2}}},
			opts: []lro.Option{lro.WithNotFoundGrace(2 * relMaxWait)}, // as above
			want: relOutcome{errType: "operation"}, maxTime: 3 * time.Second},
		{name: "never finishes", method: put, sc: lrotest.Scenario{Polls: -1},
			opts: []lro.Option{lro.WithMaxWait(150 * time.Millisecond)},
			want: relOutcome{errType: "poll", err: lro.ErrMaxWait}, maxTime: 2 * time.Second},
		{name: "Location loop A->B->A", method: put, sc: lrotest.Scenario{Protocol: lrotest.Location, LocationLoop: true},
			opts: []lro.Option{lro.WithMaxWait(150 * time.Millisecond)},
			want: relOutcome{errType: "poll", err: lro.ErrMaxWait}, maxTime: 2 * time.Second},
		{name: "status body that never ends", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Endless: true, Count: -1}}},
			opts: []lro.Option{lro.WithPollTimeout(time.Second), lro.WithMaxRetries(1)},
			want: relOutcome{errType: "poll", err: lro.ErrRetriesExhausted}, maxTime: 4 * time.Second},
		{name: "status body that never ends, then recovers", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Endless: true}}},
			opts: []lro.Option{lro.WithPollTimeout(time.Second)},
			want: relOutcome{status: 200, body: "Succeeded"}, maxTime: 4 * time.Second},
		{name: "invalid JSON status body", method: put,
			sc:   lrotest.Scenario{Faults: []lrotest.Fault{{Body: `{"status": "Runn`}}},
			want: relOutcome{status: 200, body: "Succeeded", errType: "poll", resumeOK: true}, maxTime: 2 * time.Second},
		{name: "operation fails", method: http.MethodDelete, sc: lrotest.Scenario{Polls: 1, Terminal: "Failed"},
			want: relOutcome{errType: "operation"}, maxTime: 2 * time.Second},
		{name: "Location protocol with hops", method: http.MethodPost,
			sc:   lrotest.Scenario{Protocol: lrotest.Location, LocationHops: true, Polls: 3},
			want: relOutcome{status: 200, body: "done"}, maxTime: 2 * time.Second},
	}
}

// TestGuaranteeFaults runs every fault of the list over loopback:
// each call ends, within its limits, with the outcome its scenario
// dictates; errors carry a token that Resume finishes the operation with
// once the fault is over; and every intermediate body is closed.
func TestGuaranteeFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range relFaultCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := relServer(t)
			counter := &lrotest.Recorder{Base: relHTTP(t)}
			tr := lro.New(counter, relFast(tc.opts...)...)
			u := srv.Start(tc.sc)
			start := time.Now()
			status, body, err := relDo(context.Background(), tr, tc.method, u, nil)
			if d := time.Since(start); d > tc.maxTime {
				t.Errorf("took %v, want at most %v", d, tc.maxTime)
			}
			relCheck(t, tr, tc.want, status, body, err)
			if err := counter.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestGuaranteeMaxWaitPerRequest: a request's own WithMaxWait overrides the
// transport's, in both directions.
func TestGuaranteeMaxWaitPerRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		transport time.Duration
		request   time.Duration
	}{
		{"request shorter", time.Hour, 100 * time.Millisecond},
		{"request longer", 50 * time.Millisecond, 300 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := relServer(t)
			tr := lro.New(relHTTP(t), relFast(lro.WithMaxWait(tc.transport))...)
			ctx := lro.WithOptions(context.Background(), lro.WithMaxWait(tc.request))
			start := time.Now()
			_, _, err := relDo(ctx, tr, http.MethodPut, srv.Start(lrotest.Scenario{Polls: -1}), nil)
			d := time.Since(start)
			if !errors.Is(err, lro.ErrMaxWait) {
				t.Fatalf("err = %v, want ErrMaxWait", err)
			}
			if _, ok := lro.TokenFromError(err); !ok {
				t.Fatalf("err = %v carries no token", err)
			}
			// The wait stops early when the next one would pass the
			// deadline, so d is at most the request's limit (plus
			// scheduling slack), and more than half of it.
			if d > tc.request+time.Second || d < tc.request/2 {
				t.Errorf("stopped after %v, want about %v", d, tc.request)
			}
		})
	}
}

// TestGuaranteeCancel: ending the context during a wait, a slow poll or a
// slow final GET returns at once with a token. The wait or slow answer lasts
// cancelHold (10 s); the context ends a moment after the transport is seen
// to enter it (a Waiting hook, or the request leaving for the base
// transport), never at a fixed time, so a loaded machine cannot move the
// cancel before the operation started. A transport that the cancel does not
// wake returns cancelHold after it entered the wait, so every run must
// return within half of it; 50 ms is the documented bound, held by the
// fastest of at least three runs (up to ten while none made it: a bug makes
// every run take 10 s, scheduling only some).
func TestGuaranteeCancel(t *testing.T) {
	const cancelHold = 10 * time.Second
	const (
		inWait = iota
		inPoll
		inFinalGET
	)
	tests := []struct {
		name string
		sc   lrotest.Scenario
		opts []lro.Option
		at   int // where the context ends
	}{
		{"during a Retry-After wait", lrotest.Scenario{Polls: 1, RetryAfter: cancelHold},
			[]lro.Option{lro.WithMaxDelay(time.Minute)}, inWait},
		{"during a slow poll", lrotest.Scenario{Faults: []lrotest.Fault{{Delay: cancelHold}}}, nil, inPoll},
		{"during a slow final GET", lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Final, Delay: cancelHold}}}, nil, inFinalGET},
		{"during a retry backoff", lrotest.Scenario{Faults: []lrotest.Fault{{Status: 503, RetryAfter: cancelHold}}},
			[]lro.Option{lro.WithMaxDelay(time.Minute)}, inWait},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := relServer(t)
			counter := &lrotest.Recorder{Base: relHTTP(t)}
			// entered is the current run's signal that the transport is in
			// the wait or the slow request.
			var entered atomic.Pointer[func()]
			enter := func() {
				if f := entered.Load(); f != nil {
					(*f)()
				}
			}
			var start atomic.Pointer[string]
			base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
				if req.Method == http.MethodGet {
					isPoll := strings.HasPrefix(req.URL.Path, "/operations/")
					if p := start.Load(); tc.at == inPoll && isPoll || tc.at == inFinalGET && p != nil && req.URL.Path == *p {
						enter()
					}
				}
				return counter.RoundTrip(req)
			})
			opts := append([]lro.Option{lro.WithPollInterval(time.Millisecond), lro.WithPollTimeout(time.Minute),
				lro.WithHooks(lro.Hooks{Waiting: func(w lro.WaitInfo) {
					if tc.at == inWait && w.Delay >= cancelHold/2 {
						enter()
					}
				}})}, tc.opts...)
			tr := lro.New(base, opts...)
			fastest := time.Hour
			for run := 1; run <= 3 || run <= 10 && fastest > 50*time.Millisecond; run++ {
				u := srv.Start(tc.sc)
				pu, err := url.Parse(u)
				if err != nil {
					t.Fatal(err)
				}
				start.Store(&pu.Path)
				ctx, cancel := context.WithCancel(context.Background())
				reached, returned := make(chan struct{}), make(chan struct{})
				var once sync.Once
				f := func() { once.Do(func() { close(reached) }) }
				entered.Store(&f)
				var canceled atomic.Int64
				go func() {
					select {
					case <-reached:
					case <-returned:
						return
					}
					select {
					case <-time.After(20 * time.Millisecond): // into the wait or the slow answer
					case <-returned:
						return
					}
					canceled.Store(time.Now().UnixNano())
					cancel()
				}()
				_, _, err = relDo(ctx, tr, http.MethodPut, u, nil)
				d := time.Duration(time.Now().UnixNano() - canceled.Load())
				close(returned)
				cancel()
				if canceled.Load() == 0 {
					t.Fatalf("run %d returned before the cancel: %v", run, err)
				}
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("run %d: err = %v, want context.Canceled", run, err)
				}
				if _, ok := lro.TokenFromError(err); !ok {
					t.Fatalf("run %d: err = %v carries no token", run, err)
				}
				if d > cancelHold/2 {
					t.Fatalf("run %d returned %v after the cancel: the cancel did not end the %v wait", run, d, cancelHold)
				}
				fastest = min(fastest, d)
			}
			if fastest > 50*time.Millisecond {
				t.Errorf("returned %v after the cancel at best of ten runs, want < 50ms", fastest)
			}
			if err := counter.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}
