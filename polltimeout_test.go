package lro_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
)

// slowPolls answers the GETs of the polling URL after each delay in turn
// (Running), then Succeeded at once. A request whose context ends first
// fails with the context's error.
func slowPolls(delays ...time.Duration) (httpmock.Responder, *atomic.Int64) {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		if i >= len(delays) {
			return tkAnswer(200, `{"status":"Succeeded"}`)(req)
		}
		t := time.NewTimer(delays[i])
		defer t.Stop()
		select {
		case <-t.C:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
		return tkAnswer(200, `{"status":"Running"}`)(req)
	}, &n
}

// TestPollTimeoutPerRequest: the poll timeout bounds each request from
// when it was sent, however long the operation has been polling, through
// one timer an operation arms once (pollTimer). Without retries, a
// request the timer ended too early, or too late, shows.
func TestPollTimeoutPerRequest(t *testing.T) {
	t.Parallel()
	const hang = 3 * time.Second // a poll that only a poll timeout ends
	ms := time.Millisecond
	cases := []struct {
		name     string
		timeout  time.Duration
		interval time.Duration
		delays   []time.Duration
		wantErr  bool
	}{
		// The timer armed at the first poll is due during the third:
		// it must run on for the rest of that poll's own timeout.
		{"polls past the first one's timeout", 300 * ms, time.Nanosecond, []time.Duration{120 * ms, 120 * ms, 120 * ms, 120 * ms}, false},
		// The timer fires during the wait, with no request out; the hung
		// poll after it must arm it again.
		{"a hung poll after a wait longer than the timeout", 40 * ms, 100 * ms, []time.Duration{0, hang}, true},
		{"a hung poll among quick ones", 60 * ms, time.Nanosecond, []time.Duration{0, 0, 0, hang}, true},
		{"the first poll hung", 40 * ms, time.Nanosecond, []time.Duration{hang}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPut, "https://svc.test/res/1",
				tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"))
			polls, n := slowPolls(tc.delays...)
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", polls)
			mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", tkAnswer(200, `{"name":"res1"}`))
			tr := lro.New(mt, lro.WithPollInterval(tc.interval), lro.WithPollTimeout(tc.timeout), lro.WithMaxRetries(0))
			start := time.Now()
			resp, err := (&http.Client{Transport: tr}).Do(tkReq(t, http.MethodPut, "https://svc.test/res/1", `{}`))
			took := time.Since(start)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("err = %v after %d polls, want none", err, n.Load())
				}
				if got, want := tkBody(t, resp), `{"name":"res1"}`; got != want {
					t.Errorf("body = %q, want %q", got, want)
				}
				if got, want := n.Load(), int64(len(tc.delays)+1); got != want {
					t.Errorf("%d polls, want %d", got, want)
				}
				return
			}
			if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want a poll timeout (context.DeadlineExceeded only)", err)
			}
			if got, want := n.Load(), int64(len(tc.delays)); got != want {
				t.Errorf("%d polls, want %d (the hung one last)", got, want)
			}
			if took >= hang {
				t.Errorf("took %v: the hung poll ran to its end, not to the %v poll timeout", took, tc.timeout)
			}
		})
	}
}
