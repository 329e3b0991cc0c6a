package lro

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// trackedTransport wraps a base transport: it records every request and
// wraps every response body in a closer that counts its Close calls, so a
// test can check that each body was closed exactly once.
type trackedTransport struct {
	base http.RoundTripper

	mu       sync.Mutex
	requests []*http.Request
	bodies   []*trackedBody
}

func (tt *trackedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tt.mu.Lock()
	tt.requests = append(tt.requests, req)
	tt.mu.Unlock()
	resp, err := tt.base.RoundTrip(req)
	if err != nil || resp == nil || resp.Body == nil {
		return resp, err
	}
	b := &trackedBody{ReadCloser: resp.Body, url: req.URL.String()}
	resp.Body = b
	tt.mu.Lock()
	tt.bodies = append(tt.bodies, b)
	tt.mu.Unlock()
	return resp, nil
}

// sent returns the requests so far.
func (tt *trackedTransport) sent() []*http.Request {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return append([]*http.Request(nil), tt.requests...)
}

// checkClosed fails t unless every body was closed exactly once.
func (tt *trackedTransport) checkClosed(t *testing.T) {
	t.Helper()
	tt.mu.Lock()
	defer tt.mu.Unlock()
	for i, b := range tt.bodies {
		if n := b.closes(); n != 1 {
			t.Errorf("body %d (of %s) closed %d times, want 1", i, b.url, n)
		}
	}
}

type trackedBody struct {
	io.ReadCloser
	url string

	mu sync.Mutex
	n  int
}

func (b *trackedBody) Close() error {
	b.mu.Lock()
	b.n++
	b.mu.Unlock()
	return b.ReadCloser.Close()
}

func (b *trackedBody) closes() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}

// withTestHooks adds h to the hooks of a transport or request. (The package
// has no public option for hooks yet.)
func withTestHooks(h *Hooks) Option {
	return optionFunc(func(c *config) { c.hooks = append(c.hooks[:len(c.hooks):len(c.hooks)], h) })
}

// hookRecorder records what the hooks of one operation report.
type hookRecorder struct {
	mu      sync.Mutex
	waits   []WaitInfo
	started int
	done    []DoneInfo
	// onWait, if set, runs after each wait is recorded.
	onWait func(WaitInfo)
}

func (r *hookRecorder) hooks() *Hooks {
	return &Hooks{
		Started: func(StartInfo) { r.mu.Lock(); r.started++; r.mu.Unlock() },
		Waiting: func(w WaitInfo) {
			r.mu.Lock()
			r.waits = append(r.waits, w)
			f := r.onWait
			r.mu.Unlock()
			if f != nil {
				f(w)
			}
		},
		Done: func(d DoneInfo) { r.mu.Lock(); r.done = append(r.done, d); r.mu.Unlock() },
	}
}

func (r *hookRecorder) recorded() ([]WaitInfo, int, []DoneInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]WaitInfo(nil), r.waits...), r.started, append([]DoneInfo(nil), r.done...)
}

// fastOptions are the tiny intervals every test uses.
func fastOptions() []Option {
	return []Option{
		WithPollInterval(time.Millisecond),
		WithBackoff(nil, time.Millisecond, 5*time.Millisecond),
	}
}

// noRedirects makes an http.Client hand 3xx responses back, so a test sees
// what the transport returned.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// readAndClose reads a body to the end and closes it.
func readAndClose(t *testing.T, rc io.ReadCloser) []byte {
	t.Helper()
	if rc == nil {
		t.Fatal("nil body")
	}
	b, err := io.ReadAll(rc)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Errorf("reading body: %v", err)
	}
	if err := rc.Close(); err != nil {
		t.Errorf("closing body: %v", err)
	}
	return b
}
