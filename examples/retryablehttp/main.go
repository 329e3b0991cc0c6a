// Command retryablehttp stacks lro with github.com/hashicorp/go-retryablehttp
// both ways and counts, against lrotest, the requests each stacking sends:
//
//   - retryablehttp outside: a retryablehttp.Client whose HTTPClient's
//     Transport is lro. Its retries wrap the whole operation, so when an
//     operation that has started ends in an error (it failed, or its polls
//     kept failing), it sends the initial request again: a second PUT,
//     POST or DELETE for an operation that was already accepted.
//   - lro outside: lro over a retryablehttp.RoundTripper. Each request is
//     retried on its own, the initial one included while it fails with a
//     transient error; once the service has accepted the operation, the
//     initial request is never sent again. lro's own poll retries are
//     turned off (WithMaxRetries(0)) so the two layers do not multiply.
//
// The third stacking keeps retryablehttp outside but gives it a CheckRetry
// that never retries an error that carries a resume token, that is, an
// operation that started.
//
// Recommended: lro outside (or lro alone, whose poll retries use
// retryablehttp's policy and backoff types and never resend the initial
// request).
//
//	go run ./examples/retryablehttp
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

func main() {
	if err := run(context.Background(), os.Stdout, 5*time.Millisecond); err != nil {
		log.Fatal(err)
	}
}

// stacking sends a POST through one way of stacking lro and retryablehttp.
type stacking struct {
	name string
	do   func(req *http.Request) (*http.Response, error)
}

// newRetryable returns a retryablehttp client retrying twice, quietly,
// waiting wait between tries.
func newRetryable(base http.RoundTripper, wait time.Duration) *retryablehttp.Client {
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: base}
	rc.RetryMax = 2
	rc.RetryWaitMin, rc.RetryWaitMax = wait, wait
	rc.Logger = nil
	return rc
}

// Outside returns a retryablehttp client whose transport is lro.
func Outside(base http.RoundTripper, wait time.Duration) *retryablehttp.Client {
	return newRetryable(lro.New(base, lro.WithPollInterval(wait), lro.WithBackoff(nil, wait, wait)), wait)
}

// OutsideNoRestart is Outside with a CheckRetry that never retries an
// operation that has started.
func OutsideNoRestart(base http.RoundTripper, wait time.Duration) *retryablehttp.Client {
	rc := Outside(base, wait)
	rc.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if _, started := lro.TokenFromError(err); started {
			return false, nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	return rc
}

// Inside returns an http.Client whose transport is lro over retryablehttp:
// the recommended stacking.
func Inside(base http.RoundTripper, wait time.Duration) *http.Client {
	rt := &retryablehttp.RoundTripper{Client: newRetryable(base, wait)}
	return &http.Client{Transport: lro.New(rt, lro.WithPollInterval(wait), lro.WithMaxRetries(0))}
}

func stackings(base http.RoundTripper, wait time.Duration) []stacking {
	out, noRestart, in := Outside(base, wait), OutsideNoRestart(base, wait), Inside(base, wait)
	return []stacking{
		{"retryablehttp(lro)", func(req *http.Request) (*http.Response, error) {
			r, err := retryablehttp.FromRequest(req)
			if err != nil {
				return nil, err
			}
			return out.Do(r)
		}},
		{"retryablehttp(lro), CheckRetry", func(req *http.Request) (*http.Response, error) {
			r, err := retryablehttp.FromRequest(req)
			if err != nil {
				return nil, err
			}
			return noRestart.Do(r)
		}},
		{"lro(retryablehttp)", in.Do},
	}
}

// cases are the situations compared.
var cases = []struct {
	name string
	sc   lrotest.Scenario
}{
	{"initial request answers 503 once", lrotest.Scenario{Protocol: lrotest.Location, Polls: 1,
		Faults: []lrotest.Fault{{Step: lrotest.Initial, Status: http.StatusServiceUnavailable}}}},
	{"a poll answers 503 once", lrotest.Scenario{Protocol: lrotest.Location, Polls: 1,
		Faults: []lrotest.Fault{{Step: lrotest.Poll, Status: http.StatusServiceUnavailable}}}},
	{"the operation fails", lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1, Terminal: "Failed"}},
	{"every poll answers 503", lrotest.Scenario{Protocol: lrotest.Location, Polls: 1,
		Faults: []lrotest.Fault{{Step: lrotest.Poll, Count: -1, Status: http.StatusServiceUnavailable}}}},
}

// result is what one stacking did in one case.
type result struct {
	Initial, Polls int
	Outcome        string
}

// measure runs every case through every stacking.
func measure(ctx context.Context, srv *lrotest.Server, base http.RoundTripper, wait time.Duration) map[string]map[string]result {
	res := map[string]map[string]result{}
	for _, c := range cases {
		res[c.name] = map[string]result{}
		for _, s := range stackings(base, wait) {
			u := srv.Start(c.sc)
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(`{}`))
			resp, err := s.do(req)
			var outcome string
			if _, ok := lro.TokenFromError(err); ok {
				outcome = "error with a resume token"
			} else if err != nil {
				outcome = "error"
			} else {
				outcome = resp.Status
				resp.Body.Close()
			}
			var r result
			r.Outcome = outcome
			for _, q := range srv.Requests(u) {
				switch q.Step {
				case lrotest.Initial:
					r.Initial++
				case lrotest.Poll:
					r.Polls++
				}
			}
			res[c.name][s.name] = r
		}
	}
	return res
}

func run(ctx context.Context, out io.Writer, wait time.Duration) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	res := measure(ctx, srv, srv.Transport(), wait)

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tstacking\tinitial requests\tpolls\toutcome")
	for _, c := range cases {
		for _, s := range stackings(nil, wait) {
			r := res[c.name][s.name]
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", c.name, s.name, r.Initial, r.Polls, r.Outcome)
		}
	}
	tw.Flush()
	fmt.Fprintln(out, `
retryablehttp(lro) sends the initial request again when a started operation
ends in an error. lro(retryablehttp) retries the initial request only while
it fails, and is the stacking to use.`)
	return nil
}
