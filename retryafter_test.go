package lro

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

func TestRetryAfterParser(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 24, 10, 0, 0, 0, time.UTC)
	in := func(d time.Duration, layout string) string { return now.Add(d).Format(layout) }
	const maxDelay = 2 * time.Minute
	tests := []struct {
		name    string
		headers map[string]string
		want    time.Duration
		wantOK  bool
	}{
		{"none", nil, 0, false},
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{"zero seconds", map[string]string{"Retry-After": "0"}, 0, false},
		{"negative seconds", map[string]string{"Retry-After": "-5"}, 0, false},
		{"fractional seconds", map[string]string{"Retry-After": "1.5"}, 0, false},
		{"junk", map[string]string{"Retry-After": "soon"}, 0, false},
		{"empty", map[string]string{"Retry-After": ""}, 0, false},
		{"seconds over max delay", map[string]string{"Retry-After": "600"}, maxDelay, true},
		{"max int64 seconds", map[string]string{"Retry-After": "9223372036854775807"}, maxDelay, true},
		{"seconds past int64", map[string]string{"Retry-After": "99999999999999999999999"}, maxDelay, true},
		{"http-date", map[string]string{"Retry-After": in(10*time.Second, http.TimeFormat)}, 10 * time.Second, true},
		{"rfc850 date", map[string]string{"Retry-After": in(20*time.Second, time.RFC850)}, 20 * time.Second, true},
		{"asctime date", map[string]string{"Retry-After": in(30*time.Second, time.ANSIC)}, 30 * time.Second, true},
		{"date over max delay", map[string]string{"Retry-After": in(time.Hour, http.TimeFormat)}, maxDelay, true},
		{"date now", map[string]string{"Retry-After": in(0, http.TimeFormat)}, 0, false},
		{"past date", map[string]string{"Retry-After": in(-time.Hour, http.TimeFormat)}, 0, false},
		{"retry-after-ms", map[string]string{"Retry-After-Ms": "1500"}, 1500 * time.Millisecond, true},
		{"retry-after-ms zero", map[string]string{"Retry-After-Ms": "0"}, 0, false},
		{"retry-after-ms negative", map[string]string{"Retry-After-Ms": "-3"}, 0, false},
		{"retry-after-ms junk", map[string]string{"Retry-After-Ms": "1e3"}, 0, false},
		{"retry-after-ms huge", map[string]string{"Retry-After-Ms": "9223372036854775807"}, maxDelay, true},
		{"retry-after-ms past int64", map[string]string{"Retry-After-Ms": "99999999999999999999999"}, maxDelay, true},
		{"seconds far below int64", map[string]string{"Retry-After": "-99999999999999999999999"}, 0, false},
		{"x-ms-retry-after-ms", map[string]string{"X-Ms-Retry-After-Ms": "250"}, 250 * time.Millisecond, true},
		{"x-ms-retry-after-ms huge", map[string]string{"X-Ms-Retry-After-Ms": "99999999999"}, maxDelay, true},
		{"Retry-After wins over ms", map[string]string{"Retry-After": "2", "Retry-After-Ms": "100", "X-Ms-Retry-After-Ms": "200"}, 2 * time.Second, true},
		{"retry-after-ms wins over x-ms", map[string]string{"Retry-After-Ms": "100", "X-Ms-Retry-After-Ms": "200"}, 100 * time.Millisecond, true},
		{"junk Retry-After falls back to ms", map[string]string{"Retry-After": "junk", "Retry-After-Ms": "100"}, 100 * time.Millisecond, true},
		{"past date falls back to ms", map[string]string{"Retry-After": in(-time.Second, http.TimeFormat), "X-Ms-Retry-After-Ms": "40"}, 40 * time.Millisecond, true},
		{"junk ms falls back to x-ms", map[string]string{"Retry-After-Ms": "x", "X-Ms-Retry-After-Ms": "70"}, 70 * time.Millisecond, true},
		{"all junk", map[string]string{"Retry-After": "-1", "Retry-After-Ms": "-1", "X-Ms-Retry-After-Ms": "abc"}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tc.headers {
				h.Set(k, v)
			}
			got, ok := retryAfter(h, func() time.Time { return now }, maxDelay)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("retryAfter(%v) = %v, %v; want %v, %v", tc.headers, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// TestRetryAfterUsedByTransport checks, through the Waiting hook, that the
// transport waits as long as the initial response or a poll asks. The hook
// cancels the request at the wait it checks, so no test waits for real; this
// also shows that a wait ends promptly when the context does.
func TestRetryAfterUsedByTransport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		header   string
		value    func() string
		onPoll   bool // the header is on the first poll, not the initial response
		maxDelay time.Duration
		min, max time.Duration
		reason   WaitReason
	}{
		{name: "seconds", header: "Retry-After", value: str("7"), min: 7 * time.Second, max: 7 * time.Second, reason: WaitRetryAfter},
		{name: "seconds on poll", header: "Retry-After", value: str("9"), onPoll: true, min: 9 * time.Second, max: 9 * time.Second, reason: WaitRetryAfter},
		{name: "http-date", header: "Retry-After", value: inFuture(30 * time.Second), min: 28 * time.Second, max: 30 * time.Second, reason: WaitRetryAfter},
		{name: "http-date on poll", header: "Retry-After", value: inFuture(40 * time.Second), onPoll: true, min: 38 * time.Second, max: 40 * time.Second, reason: WaitRetryAfter},
		{name: "retry-after-ms", header: "retry-after-ms", value: str("1234"), min: 1234 * time.Millisecond, max: 1234 * time.Millisecond, reason: WaitRetryAfter},
		{name: "x-ms-retry-after-ms on poll", header: "x-ms-retry-after-ms", value: str("4321"), onPoll: true, min: 4321 * time.Millisecond, max: 4321 * time.Millisecond, reason: WaitRetryAfter},
		{name: "huge clamped", header: "Retry-After", value: str("86400000"), maxDelay: 90 * time.Second, min: 90 * time.Second, max: 90 * time.Second, reason: WaitRetryAfter},
		{name: "huge ms clamped on poll", header: "Retry-After-Ms", value: str("86400000"), onPoll: true, maxDelay: 3 * time.Second, min: 3 * time.Second, max: 3 * time.Second, reason: WaitRetryAfter},
		{name: "junk", header: "Retry-After", value: str("later"), min: time.Millisecond, max: time.Millisecond, reason: WaitInterval},
		{name: "negative", header: "Retry-After", value: str("-30"), min: time.Millisecond, max: time.Millisecond, reason: WaitInterval},
		{name: "past date on poll", header: "Retry-After", value: inFuture(-time.Hour), onPoll: true, min: time.Millisecond, max: time.Millisecond, reason: WaitInterval},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			initial := map[string]string{"Operation-Location": "https://svc.example.com/ops/1"}
			poll := map[string]string{}
			if tc.onPoll {
				poll[tc.header] = tc.value()
			} else {
				initial[tc.header] = tc.value()
			}
			mock := mockService(t, []mockedResponse{
				{Match: "PUT https://svc.example.com/res", Status: 201, Headers: initial},
				{Match: "GET https://svc.example.com/ops/1", Status: 200, Headers: poll, Body: []byte(`{"status":"Running"}`)},
			})
			tt := &lrotest.Recorder{Base: mock}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stopAt := 0
			if tc.onPoll {
				stopAt = 1
			}
			var got []WaitInfo
			h := &Hooks{Waiting: func(w WaitInfo) {
				got = append(got, w)
				if len(got) > stopAt {
					cancel()
				}
			}}
			opts := append(fastOptions(), WithHooks(*h))
			if tc.maxDelay > 0 {
				opts = append(opts, WithMaxDelay(tc.maxDelay))
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "https://svc.example.com/res", nil)
			start := time.Now()
			resp, err := New(tt, opts...).RoundTrip(req)
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("RoundTrip took %v after the context was canceled, want it prompt", elapsed)
			}
			if resp != nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, %v; want an error wrapping context.Canceled", resp, err)
			}
			var pe *PollError
			if !errors.As(err, &pe) || pe.Token == "" {
				t.Errorf("error %v is not a *PollError with a token", err)
			}
			if len(got) != stopAt+1 {
				t.Fatalf("got %d waits, want %d", len(got), stopAt+1)
			}
			w := got[stopAt]
			if w.Delay < tc.min || w.Delay > tc.max || w.Reason != tc.reason {
				t.Errorf("wait %d: got %v (%s), want %v..%v (%s)", stopAt, w.Delay, w.Reason, tc.min, tc.max, tc.reason)
			}
			if want := 1 + stopAt; tt.Count() != want {
				t.Errorf("sent %d requests, want %d", tt.Count(), want)
			}
			if err := tt.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}

func str(s string) func() string { return func() string { return s } }

func inFuture(d time.Duration) func() string {
	return func() string { return time.Now().Add(d).UTC().Format(http.TimeFormat) }
}
