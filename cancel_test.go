package lro

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

// TestCancelDuringWait cancels the request's context while the transport
// waits (between polls, or before retrying a transient failure) and checks
// that RoundTrip returns promptly with an error wrapping context.Canceled
// and a resume token, having closed every body.
func TestCancelDuringWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		responses []mockedResponse
		opts      []Option
		requests  int
	}{
		{
			name: "Retry-After on the initial response",
			responses: []mockedResponse{
				{Match: "PUT https://svc.example.com/res", Status: 201, Headers: map[string]string{"Operation-Location": "/ops/1", "Retry-After": "60"}},
			},
			requests: 1,
		},
		{
			name: "long poll interval",
			responses: []mockedResponse{
				{Match: "PUT https://svc.example.com/res", Status: 201, Headers: map[string]string{"Operation-Location": "/ops/1"}},
				{Match: "GET https://svc.example.com/ops/1", Status: 200, Body: []byte(`{"status":"Running"}`)},
			},
			opts:     []Option{WithPollInterval(10 * time.Minute)},
			requests: 1,
		},
		{
			name: "retry backoff",
			responses: []mockedResponse{
				{Match: "PUT https://svc.example.com/res", Status: 201, Headers: map[string]string{"Operation-Location": "/ops/1"}},
				{Match: "GET https://svc.example.com/ops/1", Status: 500, Body: []byte(`"oops"`)},
			},
			opts:     []Option{WithBackoff(nil, time.Minute, time.Hour)},
			requests: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tt := &lrotest.Recorder{Base: mockService(t, tc.responses)}
			waiting := make(chan struct{})
			var once sync.Once
			h := &Hooks{Waiting: func(w WaitInfo) {
				if w.Delay >= time.Minute {
					once.Do(func() { close(waiting) })
				}
			}}
			opts := append(append(fastOptions(), tc.opts...), WithHooks(*h))
			client := &http.Client{Transport: New(tt, opts...)}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-waiting
				time.Sleep(10 * time.Millisecond)
				cancel()
			}()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "https://svc.example.com/res", nil)
			start := time.Now()
			resp, err := client.Do(req)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("returned after %v, want promptly", d)
			}
			if resp != nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, %v; want an error wrapping context.Canceled", resp, err)
			}
			if _, ok := TokenFromError(err); !ok {
				t.Errorf("error %v carries no resume token", err)
			}
			if n := tt.Count(); n != tc.requests {
				t.Errorf("sent %d requests, want %d", n, tc.requests)
			}
			if err := tt.CheckBodies(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestConcurrentOperations runs 100 operations at once through one
// Transport (and one mock), each with its own URLs, and checks every result.
func TestConcurrentOperations(t *testing.T) {
	t.Parallel()
	const n = 100
	var responses []mockedResponse
	wantRequests := 0
	for i := range n {
		res := fmt.Sprintf("https://svc.example.com/res/%d", i)
		op := fmt.Sprintf("https://svc.example.com/ops/%d", i)
		responses = append(responses, mockedResponse{Match: "PUT " + res, Status: 201, Headers: map[string]string{"Operation-Location": op}})
		if i%3 > 0 {
			responses = append(responses, mockedResponse{Match: "GET " + op, Status: 200, Body: []byte(`{"status":"Running"}`), Times: i % 3})
		}
		responses = append(responses,
			mockedResponse{Match: "GET " + op, Status: 200, Body: []byte(`{"status":"Succeeded"}`)},
			mockedResponse{Match: "GET " + res, Status: 200, Body: []byte(fmt.Sprintf(`{"id":%d}`, i))},
		)
		wantRequests += 2 + 1 + i%3
	}
	tt := &lrotest.Recorder{Base: mockService(t, responses)}
	var mu sync.Mutex
	done := 0
	h := &Hooks{Done: func(d DoneInfo) {
		mu.Lock()
		defer mu.Unlock()
		if d.Err == nil {
			done++
		}
	}}
	client := &http.Client{Transport: New(tt, append(fastOptions(), WithHooks(*h))...)}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("https://svc.example.com/res/%d", i), nil)
			req.Header.Set("X-Op", fmt.Sprint(i))
			resp, err := client.Do(req)
			if err != nil {
				errs <- fmt.Errorf("op %d: %w", i, err)
				return
			}
			got := readAndClose(t, resp.Body)
			if want := fmt.Sprintf(`{"id":%d}`, i); string(got) != want {
				errs <- fmt.Errorf("op %d: got body %s, want %s", i, got, want)
			}
			if resp.Request.Header.Get("X-Op") != fmt.Sprint(i) {
				errs <- fmt.Errorf("op %d: final GET carries X-Op %q", i, resp.Request.Header.Get("X-Op"))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := tt.Count(); got != wantRequests {
		t.Errorf("sent %d requests, want %d", got, wantRequests)
	}
	if done != n {
		t.Errorf("Done reported %d successes, want %d", done, n)
	}
	if err := tt.CheckBodies(); err != nil {
		t.Error(err)
	}
}
