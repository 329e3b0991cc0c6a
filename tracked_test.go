package lro

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

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
