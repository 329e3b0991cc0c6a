package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

// demoScenarios are the operations lro demo serves, one new operation per
// request to /NAME that starts one (PUT, PATCH, POST, DELETE).
var demoScenarios = map[string]lrotest.Scenario{
	"progress": {Polls: 8, PercentComplete: true, RetryAfter: time.Second},
	"later":    {Protocol: lrotest.Location, Polls: 5, RetryAfter: time.Second},
	"fail":     {Polls: 2, Terminal: "Failed", RetryAfter: time.Second},
}

// runDemo runs lro demo until ctx ends.
func runDemo(ctx context.Context, c *config, env *environ) int {
	host, _, err := net.SplitHostPort(c.addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		fmt.Fprintf(env.stderr, "lro: demo --addr %q: want a loopback address such as 127.0.0.1:8080\n", c.addr)
		return exitUsage
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		fmt.Fprintf(env.stderr, "lro: demo: %v\n", err)
		return exitNetwork
	}
	srv := lrotest.NewServer()
	defer srv.Close()
	front := &http.Server{Handler: demoHandler(srv), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- front.Serve(ln) }()

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(env.stdout, `lro demo: a simulated service is listening on %s (Ctrl-C stops it).
Paste these into another terminal (lro is "go run ." in cmd/lro if it is not installed):

  # a PUT whose operation reports its progress (about 9 s)
  lro -X PUT --json '{"size":"large"}' %s/progress

  # a POST sent without waiting, then resumed from its token
  TOKEN=$(lro -X POST --no-wait --token-only %s/later) && lro resume "$TOKEN"

  # an operation that fails: exit code 1, the service's error on stderr
  lro -X PUT %s/fail; echo "exit code $?"
`, base, base, base, base)

	select {
	case <-ctx.Done():
	case err := <-served:
		fmt.Fprintf(env.stderr, "lro: demo: %v\n", err)
		return exitNetwork
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := front.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(env.stderr, "lro: demo: %v\n", err)
	}
	fmt.Fprintln(env.stderr, "lro demo: stopped")
	return exitOK
}

// demoHandler starts a new operation for each request to /progress, /later
// or /fail that starts one, and serves it with the simulated service. A GET
// of /NAME reads the resource of the operation started there last (the
// final GET of a PUT).
func demoHandler(srv *lrotest.Server) http.Handler {
	var mu sync.Mutex
	last := map[string]string{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(r.URL.Path, "/")
		sc, ok := demoScenarios[name]
		if !ok {
			http.Error(w, "lro demo serves /progress, /later and /fail", http.StatusNotFound)
			return
		}
		var res string
		switch r.Method {
		case http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete:
			res = strings.TrimPrefix(srv.Start(sc), srv.URL)
			mu.Lock()
			last[name] = res
			mu.Unlock()
		case http.MethodGet:
			mu.Lock()
			res = last[name]
			mu.Unlock()
			if res == "" {
				http.Error(w, "no operation started at "+r.URL.Path+" yet: send PUT, PATCH, POST or DELETE", http.StatusNotFound)
				return
			}
		default:
			w.Header().Set("Allow", "GET, PUT, PATCH, POST, DELETE")
			http.Error(w, "send PUT, PATCH, POST or DELETE to start an operation", http.StatusMethodNotAllowed)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath, r2.RequestURI = res, "", res
		srv.Handler().ServeHTTP(w, r2)
	})
}
