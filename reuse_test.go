package lro_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
)

// A run reuses one body buffer, one request context and one header map for
// its polls (attempt, send). These tests hold what that must not change:
// hooks see each poll's own bytes, the response that ends the operation
// keeps its bytes, and a poll that runs past the poll timeout leaves the
// next one a live context.

// TestPollBodiesOwnBytes: the Polled hook reads each poll's body as the
// service sent it, bodies growing and shrinking; the last poll (the result
// of a POST with Location) keeps its bytes after the run.
func TestPollBodiesOwnBytes(t *testing.T) {
	t.Parallel()
	bodies := []string{`{"s":1}`, `{"state":"a much longer body than the first one, to grow the buffer"}`, `{}`, ``, `{"s":"mid-sized body"}`}
	final := `{"name":"res","result":"done"}`
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1"))
	var seq []httpmock.Responder
	for _, b := range bodies {
		seq = append(seq, tkAnswer(202, b))
	}
	seq = append(seq, tkAnswer(200, final))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkSeq(seq...))
	var got []string
	var reqs []*http.Request
	tr := lro.New(mt, lro.WithPollInterval(time.Nanosecond), lro.WithHooks(lro.Hooks{Polled: func(i lro.PollInfo) {
		b, err := io.ReadAll(i.Response.Body)
		if err != nil {
			t.Errorf("poll %d: reading its body: %v", i.Attempt, err)
		}
		got = append(got, string(b))
		reqs = append(reqs, i.Response.Request)
	}}))
	resp, err := (&http.Client{Transport: tr}).Do(tkReq(t, http.MethodPost, "https://svc.test/res/1", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if b := tkBody(t, resp); b != final {
		t.Errorf("result body = %q, want %q", b, final)
	}
	if want := append(append([]string(nil), bodies...), final); !reflect.DeepEqual(got, want) {
		t.Errorf("poll bodies seen by Polled = %q, want %q", got, want)
	}
	for i := 1; i < len(reqs); i++ {
		if reqs[i] == reqs[i-1] {
			t.Errorf("polls %d and %d share one *http.Request", i, i+1)
		}
	}
}

// hangOnce answers its first GET of /ops/1 only when the request's context
// ends, then answers normally; it records whether each request's context
// was live when it arrived.
type hangOnce struct {
	next  http.RoundTripper
	polls atomic.Int64
	dead  atomic.Int64 // requests that arrived with an ended context
}

func (h *hangOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context().Err() != nil {
		h.dead.Add(1)
	}
	if req.Method == http.MethodGet && req.URL.Path == "/ops/1" && h.polls.Add(1) == 1 {
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	return h.next.RoundTrip(req)
}

// TestPollTimeoutThenFreshContext: the first poll runs past the poll
// timeout and is retried; the retry, the next polls and the final GET get
// a live context, and the final body streams after RoundTrip returned.
func TestPollTimeoutThenFreshContext(t *testing.T) {
	t.Parallel()
	mt := hkMock("")
	h := &hangOnce{next: mt}
	tr := lro.New(h, lro.WithPollInterval(time.Nanosecond), lro.WithPollTimeout(20*time.Millisecond),
		lro.WithBackoff(retryablehttp.DefaultBackoff, time.Millisecond, time.Millisecond))
	resp, err := (&http.Client{Transport: tr}).Do(tkReq(t, http.MethodPut, "https://svc.test/res/1", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond) // past the poll timeout: the body's context must not end
	if b := tkBody(t, resp); b != `{"name":"res1"}` {
		t.Errorf("result body = %q", b)
	}
	if n := h.dead.Load(); n != 0 {
		t.Errorf("%d requests carried an ended context", n)
	}
	if n := h.polls.Load(); n != 3 { // the timed-out poll, its retry, the Succeeded poll
		t.Errorf("%d polls, want 3", n)
	}
}

// TestPollTimeoutError: a poll that always runs past the poll timeout ends
// in an error that says so and wraps context.DeadlineExceeded, not the
// Canceled of the timer's cancel.
func TestPollTimeoutError(t *testing.T) {
	t.Parallel()
	mt := hkMock("")
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	tr := lro.New(mt, lro.WithPollInterval(time.Nanosecond), lro.WithPollTimeout(5*time.Millisecond),
		lro.WithMaxRetries(2), lro.WithBackoff(retryablehttp.DefaultBackoff, time.Millisecond, time.Millisecond))
	_, err := (&http.Client{Transport: tr}).Do(tkReq(t, http.MethodPut, "https://svc.test/res/1", `{}`))
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded only", err)
	}
	if !errors.Is(err, lro.ErrRetriesExhausted) {
		t.Errorf("err = %v, want ErrRetriesExhausted", err)
	}
}
