package lro_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

// Options given per request, through the context, override the
// Transport's for that request only. Here two POSTs to actions that answer
// with a status monitor and a Location: by default lro GETs the Location for
// the result; an API whose spec says the result is the monitor's last
// answer (final-state-via: operation-location) gets that instead.
func ExampleWithOptions() {
	srv := lrotest.NewServer()
	defer srv.Close()
	t := lro.New(srv.Transport(), lro.WithPollInterval(time.Millisecond))
	client := &http.Client{Transport: t}

	for _, ctx := range []context.Context{
		context.Background(),
		lro.WithOptions(context.Background(), lro.WithFinalStateVia(lro.FinalStateViaOperationLocation)),
	} {
		action := srv.Start(lrotest.Scenario{WithLocation: true, Result: `{"report":"ready"}`})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, action, nil)
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(strings.TrimPrefix(resp.Request.URL.String(), srv.URL), string(body))
	}
	// Output:
	// /results/op1 {"report":"ready"}
	// /operations/op2 {"id":"op2","status":"Succeeded"}
}

// jobs is a strategy for a service that follows no Azure protocol: a POST
// answers 202 with a Job-Status header naming a status URL, which answers
// 200 {"state":"running"} until {"state":"done",...}; that last answer is
// the result. A strategy does no I/O: it reads what the transport hands it.
type jobs struct{}

func (jobs) Name() string { return "jobs" }

// Applies: only responses that name a job, so the chain's other strategies
// keep everything else.
func (jobs) Applies(_ string, _ *url.URL, statusCode int, h http.Header) bool {
	return statusCode == http.StatusAccepted && h.Get("Job-Status") != ""
}

func (jobs) Start(init *strategies.Initial) (*strategies.Operation, error) {
	u, err := strategies.Resolve(init.Response.URL, "Job-Status", init.Response.Header.Get("Job-Status"))
	if err != nil {
		return nil, err
	}
	return &strategies.Operation{Strategy: "jobs", Method: init.Method, URL: init.URL.String(),
		PollURL: u.String(), Status: strategies.InProgress}, nil
}

func (jobs) Update(op *strategies.Operation, resp *strategies.Response) error {
	var b struct{ State string }
	if err := json.Unmarshal(resp.Body, &b); err != nil {
		return fmt.Errorf("%w: %w", strategies.ErrInvalidBody, err)
	}
	op.ServiceStatus, op.Status = b.State, strategies.InProgress
	if b.State == "done" {
		op.Status = strategies.Succeeded
	}
	return nil
}

func (jobs) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{} // the answer that said "done"
}

// A strategy of your own goes into the chain with WithStrategies, here
// before the default ones.
func ExampleWithStrategies() {
	var polls atomic.Int32
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/jobs":
			w.Header().Set("Job-Status", "/jobs/7")
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Path == "/jobs/7" && polls.Add(1) < 3:
			fmt.Fprint(w, `{"state":"running"}`)
		case r.URL.Path == "/jobs/7":
			fmt.Fprint(w, `{"state":"done","output":"42"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer svc.Close()
	base := &http.Transport{}
	defer base.CloseIdleConnections()

	chain := append([]strategies.Strategy{jobs{}}, lro.DefaultStrategies()...)
	t := lro.New(base, lro.WithStrategies(chain...), lro.WithPollInterval(time.Millisecond))
	resp, err := (&http.Client{Transport: t}).Post(svc.URL+"/jobs", "application/json", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body), "after", polls.Load(), "polls")
	// Output:
	// 200 {"state":"done","output":"42"} after 3 polls
}
