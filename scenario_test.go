package lro

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

// TestScenarios runs every testdata/scenarios/*.json file (the format is in
// scenario_format_test.go) through an httpmock transport.
func TestScenarios(t *testing.T) {
	t.Parallel()
	all := loadScenarios(t)
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		sc := all[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runScenario(t, sc)
		})
	}
}

func runScenario(t *testing.T, sc *scenario) {
	tt := &lrotest.Recorder{Base: mockService(t, sc.Responses)}
	rec := &hookRecorder{}
	opts := append(fastOptions(), WithHooks(*rec.hooks()))
	opts = append(opts, sc.Options.options(t)...)
	client := &http.Client{Transport: New(tt, opts...), CheckRedirect: noRedirects}

	ctx := context.Background()
	if sc.Options.WithoutPolling {
		ctx = WithoutPolling(ctx)
	}
	var body *strings.Reader
	if sc.Request.Body != "" {
		body = strings.NewReader(sc.Request.Body)
	}
	req, err := http.NewRequestWithContext(ctx, sc.Request.Method, sc.Request.URL, nilIfEmpty(body))
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	for k, v := range sc.Request.Headers {
		req.Header.Set(k, v)
	}

	resp, err := client.Do(req)
	var got []byte
	if resp != nil {
		got = readAndClose(t, resp.Body)
	}
	sent := tt.Sent()
	checkRequests(t, sent, sc.Expect.Requests)
	if err := tt.CheckBodies(); err != nil {
		t.Error(err)
	}
	checkWaits(t, rec, sc.Expect.Waits)

	if want := sc.Expect.Error; want != nil {
		if err == nil {
			t.Fatalf("got status %d and body %q, want an error", resp.StatusCode, got)
		}
		checkError(t, err, want)
		return
	}
	if err != nil {
		t.Fatalf("got error %v, want status %d", err, sc.Expect.Status)
	}
	if resp.StatusCode != sc.Expect.Status {
		t.Errorf("got status %d, want %d", resp.StatusCode, sc.Expect.Status)
	}
	if sc.Expect.Body != nil {
		want, err := bodyBytes(sc.Expect.Body)
		if err != nil {
			t.Fatalf("expected body: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("got body %q, want %q", got, want)
		}
	}
	for k, v := range sc.Expect.Headers {
		if g := resp.Header.Get(k); g != v {
			t.Errorf("got header %s %q, want %q", k, g, v)
		}
	}
	// resp.Request is the request that produced the final response: the
	// last one sent.
	if len(sent) > 0 && resp.Request != sent[len(sent)-1].Request {
		t.Errorf("resp.Request is %v, want the last request sent (%s %s)", requestLine(resp.Request), sent[len(sent)-1].Method, sent[len(sent)-1].URL)
	}
}

func nilIfEmpty(r *strings.Reader) interface{ Read([]byte) (int, error) } {
	if r == nil {
		return nil
	}
	return r
}

func requestLine(r *http.Request) string {
	if r == nil {
		return "nil"
	}
	return r.Method + " " + r.URL.String()
}

func checkRequests(t *testing.T, sent []lrotest.Sent, want []expectedRequest) {
	t.Helper()
	if len(sent) != len(want) {
		var lines []string
		for _, r := range sent {
			lines = append(lines, requestLine(r.Request))
		}
		t.Errorf("sent %d requests, want %d:\n\t%s", len(sent), len(want), strings.Join(lines, "\n\t"))
	}
	for i := range min(len(sent), len(want)) {
		g, w := sent[i], want[i]
		if g.Method != w.Method || !sameURL(g.URL, w.URL) {
			t.Errorf("request %d: got %s, want %s %s", i, requestLine(g.Request), w.Method, w.URL)
		}
		for k, v := range w.Headers {
			if got := g.Header.Get(k); got != v {
				t.Errorf("request %d (%s): header %s = %q, want %q", i, requestLine(g.Request), k, got, v)
			}
		}
		for _, k := range w.Present {
			if g.Header.Get(k) == "" {
				t.Errorf("request %d (%s): header %s missing, want it", i, requestLine(g.Request), k)
			}
		}
		for _, k := range w.Absent {
			if v := g.Header.Values(k); len(v) > 0 {
				t.Errorf("request %d (%s): header %s = %q, want none", i, requestLine(g.Request), k, v)
			}
		}
	}
}

// sameURL compares by scheme, host, path and query values (the order and
// escaping of query parameters do not matter).
func sameURL(got *url.URL, want string) bool {
	w, err := url.Parse(want)
	if err != nil {
		return false
	}
	return got.Scheme == w.Scheme && strings.EqualFold(got.Host, w.Host) && got.Path == w.Path &&
		reflect.DeepEqual(got.Query(), w.Query())
}

func checkWaits(t *testing.T, rec *hookRecorder, want []expectedWait) {
	t.Helper()
	waits, started, done := rec.recorded()
	if len(done) != started {
		t.Errorf("hooks: Started called %d times, Done %d times; want them equal", started, len(done))
	}
	if want == nil {
		return
	}
	if len(waits) != len(want) {
		t.Errorf("got %d waits %v, want %d", len(waits), waits, len(want))
	}
	for i := range min(len(waits), len(want)) {
		d := parseDuration(t, want[i].Delay)
		if waits[i].Delay != d || string(waits[i].Reason) != want[i].Reason {
			t.Errorf("wait %d: got %v (%s), want %v (%s)", i, waits[i].Delay, waits[i].Reason, d, want[i].Reason)
		}
	}
}

// sentinels are the errors an expected error may name in "is".
var sentinels = map[string]error{
	"ErrInvalidURL":       ErrInvalidURL,
	"ErrMaxWait":          ErrMaxWait,
	"ErrRetriesExhausted": ErrRetriesExhausted,
	"ErrBodyTooLarge":     ErrBodyTooLarge,
	"ErrTooManyRedirects": ErrTooManyRedirects,
	"ErrInvalidBody":      strategies.ErrInvalidBody,
	"ErrNoStatus":         strategies.ErrNoStatus,
	"ErrEmptyBody":        strategies.ErrEmptyBody,
	"context.Canceled":    context.Canceled,
}

func checkError(t *testing.T, err error, want *expectedError) {
	t.Helper()
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Fatalf("error %v (%T) is not a *url.Error from http.Client", err, err)
	}
	if !strings.HasPrefix(ue.Err.Error(), "lro: ") {
		t.Errorf("error %q does not start with \"lro: \"", ue.Err)
	}
	for _, name := range want.Is {
		target, ok := sentinels[name]
		if !ok {
			t.Fatalf("unknown sentinel %q", name)
		}
		if !errors.Is(err, target) {
			t.Errorf("error %v does not wrap %s", err, name)
		}
	}
	if want.Contains != "" && !strings.Contains(err.Error(), want.Contains) {
		t.Errorf("error %q does not contain %q", err, want.Contains)
	}
	var resp *http.Response
	switch want.Type {
	case "OperationError":
		var oe *OperationError
		if !errors.As(err, &oe) {
			t.Fatalf("error %v (%T) is not an *OperationError", err, ue.Err)
		}
		// The scenario's status is the service's spelling.
		if oe.ServiceStatus != want.Status || oe.Status != strategies.ParseStatus(want.Status) || oe.Code != want.Code || oe.NumericCode != want.NumericCode || oe.Message != want.Message {
			t.Errorf("got OperationError{Status: %q, ServiceStatus: %q, Code: %q, NumericCode: %d, Message: %q}, want {%q, %q, %q, %d, %q}",
				oe.Status, oe.ServiceStatus, oe.Code, oe.NumericCode, oe.Message, strategies.ParseStatus(want.Status), want.Status, want.Code, want.NumericCode, want.Message)
		}
		resp = oe.Response
	case "ResponseError":
		var re *ResponseError
		if !errors.As(err, &re) {
			t.Fatalf("error %v (%T) is not a *ResponseError", err, ue.Err)
		}
		if want.Phase != "" && re.Phase != want.Phase {
			t.Errorf("got phase %q, want %q", re.Phase, want.Phase)
		}
		if re.StatusCode != re.Response.StatusCode {
			t.Errorf("ResponseError.StatusCode %d, Response.StatusCode %d", re.StatusCode, re.Response.StatusCode)
		}
		if re.Code != want.Code || re.NumericCode != want.NumericCode || re.Message != want.Message {
			t.Errorf("got ResponseError{Code: %q, NumericCode: %d, Message: %q}, want {%q, %d, %q}",
				re.Code, re.NumericCode, re.Message, want.Code, want.NumericCode, want.Message)
		}
		resp = re.Response
	case "PollError":
		var pe *PollError
		if !errors.As(err, &pe) {
			t.Fatalf("error %v (%T) is not a *PollError", err, ue.Err)
		}
	case "":
	default:
		t.Fatalf("unknown error type %q", want.Type)
	}
	if want.Type != "" {
		if _, ok := TokenFromError(err); !ok {
			t.Errorf("error %v carries no resume token", err)
		}
	}
	if resp == nil {
		if want.StatusCode != 0 || want.Body != nil {
			t.Errorf("error %v carries no response, want one", err)
		}
		return
	}
	if want.StatusCode != 0 && resp.StatusCode != want.StatusCode {
		t.Errorf("error response status %d, want %d", resp.StatusCode, want.StatusCode)
	}
	got := readAndClose(t, resp.Body)
	if want.Body != nil {
		wb, err := bodyBytes(want.Body)
		if err != nil {
			t.Fatalf("expected error body: %v", err)
		}
		if !bytes.Equal(got, wb) {
			t.Errorf("error response body %q, want %q", got, wb)
		}
	}
}
