package riverlro_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/riverlro"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/monitor"
)

// cancelable is Operation-Location polling whose operations cancel with a
// POST to /cancel/{id}.
type cancelable struct{ *monitor.Strategy }

func (cancelable) Name() string { return "cancelable-operation-location" }

func (c cancelable) Start(init *strategies.Initial) (*strategies.Operation, error) {
	op, err := c.Strategy.Start(init)
	if op != nil {
		op.Strategy = c.Name()
	}
	return op, err
}

func (cancelable) CancelRequest(op *strategies.Operation) (string, string, error) {
	return http.MethodPost, strings.Replace(op.PollURL, "/operations/", "/cancel/", 1), nil
}

func TestCancel(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	t.Cleanup(srv.Close)
	var (
		mu      sync.Mutex
		cancels []string // Authorization of each cancel request
	)
	inner := srv.Handler()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/cancel/") && r.Method == http.MethodPost {
			mu.Lock()
			cancels = append(cancels, r.Header.Get("Authorization"))
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	tr := newTransport(lro.WithStrategies(cancelable{monitor.OperationLocation()}))
	f := newFixture(t, riverlro.Config{Transport: tr})
	res := srv.Start(lrotest.Scenario{Polls: -1, RelativeURLs: true})
	id := f.start(t, put(t, front.URL+strings.TrimPrefix(res, srv.URL)))
	ctx := context.Background()
	if err := f.lro.Cancel(ctx, id); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	mu.Lock()
	got := append([]string(nil), cancels...)
	mu.Unlock()
	if len(got) != 1 || got[0] != testAuth {
		t.Fatalf("cancel requests carried Authorization %q, want one with the base transport's", got)
	}
	op, err := f.lro.Get(ctx, id)
	if err != nil || op.State != riverlro.Running || op.CancelRequested.IsZero() {
		t.Fatalf("Get = %+v, %v: want still running (until the service ends it), cancel recorded", op, err)
	}
}
