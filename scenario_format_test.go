package lro

// The format of testdata/scenarios/*.json, and how a scenario becomes a
// mock service. scenario_test.go runs them.
//
// A scenario file is one JSON object:
//
//	{
//	  "description": "what the scenario shows",
//	  "request":   {"method": "PUT", "url": "https://...", "headers": {"K": "v"}, "body": "..."},
//	  "options":   {"finalStateVia": "location", "trustedHosts": ["..."], "maxStatusBody": 10,
//	                "maxRetries": 2, "notFoundGrace": "0s", "maxDelay": "2ms", "withoutPolling": true},
//	  "responses": [{"match": "GET https://...", "status": 200, "headers": {"K": "v"},
//	                 "body": {...} or "raw text", "contentLength": -1, "times": 2, "error": "connection"}],
//	  "expect": {
//	    "requests": [{"method": "GET", "url": "https://...", "headers": {"K": "v"},
//	                  "present": ["Authorization"], "absent": ["If-Match"]}],
//	    "status": 200, "body": {...} or "raw text", "headers": {"K": "v"},
//	    "waits": [{"delay": "2ms", "reason": "retry-after"}],
//	    "error": {"type": "OperationError", "is": ["ErrInvalidURL"], "status": "Failed",
//	              "code": "...", "numericCode": 404, "message": "...", "statusCode": 200, "phase": "poll",
//	              "body": {...} or "raw text", "contains": "substring"}
//	  }
//	}
//
// Responses with the same match answer in file order, each "times" times
// (default 1); the last one then answers every further request. A match URL
// without a query also answers requests with one. A JSON-object body is sent
// compacted; a string body is sent as is. "error": "connection" fails the
// request instead of answering. Expected requests are the full list, the
// initial one first; URLs compare by scheme, host, path and query values.
// Without "error", the scenario must succeed with "status" (and "body",
// "headers" when given); with it, RoundTrip must fail that way. The
// service's error ("code", "numericCode", "message") is compared whole for
// an OperationError and a ResponseError: absent means none.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

type scenario struct {
	Description string           `json:"description"`
	Request     scenarioRequest  `json:"request"`
	Options     scenarioOptions  `json:"options"`
	Responses   []mockedResponse `json:"responses"`
	Expect      scenarioExpect   `json:"expect"`
}

type scenarioRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

type scenarioOptions struct {
	FinalStateVia  string   `json:"finalStateVia"`
	TrustedHosts   []string `json:"trustedHosts"`
	MaxStatusBody  int64    `json:"maxStatusBody"`
	MaxRetries     *int     `json:"maxRetries"`
	NotFoundGrace  string   `json:"notFoundGrace"`
	MaxDelay       string   `json:"maxDelay"`
	WithoutPolling bool     `json:"withoutPolling"`
}

type mockedResponse struct {
	Match         string            `json:"match"`
	Status        int               `json:"status"`
	Headers       map[string]string `json:"headers"`
	Body          json.RawMessage   `json:"body"`
	ContentLength *int64            `json:"contentLength"`
	Times         int               `json:"times"`
	Error         string            `json:"error"`
}

type scenarioExpect struct {
	Requests []expectedRequest `json:"requests"`
	Status   int               `json:"status"`
	Body     json.RawMessage   `json:"body"`
	Headers  map[string]string `json:"headers"`
	Waits    []expectedWait    `json:"waits"`
	Error    *expectedError    `json:"error"`
}

type expectedRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Present []string          `json:"present"`
	Absent  []string          `json:"absent"`
}

type expectedWait struct {
	Delay  string `json:"delay"`
	Reason string `json:"reason"`
}

type expectedError struct {
	Type        string          `json:"type"`
	Is          []string        `json:"is"`
	Status      string          `json:"status"`
	Code        string          `json:"code"`
	NumericCode int             `json:"numericCode"`
	Message     string          `json:"message"`
	StatusCode  int             `json:"statusCode"`
	Phase       string          `json:"phase"`
	Body        json.RawMessage `json:"body"`
	Contains    string          `json:"contains"`
}

// loadScenarios reads every scenario file, strictly: an unknown field is a
// mistake in the file.
func loadScenarios(t *testing.T) map[string]*scenario {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	all := make(map[string]*scenario, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		sc := new(scenario)
		if err := dec.Decode(sc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all[strings.TrimSuffix(filepath.Base(f), ".json")] = sc
	}
	return all
}

// bodyBytes turns a body field into bytes: a JSON string is raw text, any
// other JSON value is sent compacted.
func bodyBytes(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return []byte(s), err
	}
	var buf bytes.Buffer
	err := json.Compact(&buf, raw)
	return buf.Bytes(), err
}

func parseDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("bad duration %q: %v", s, err)
	}
	return d
}

// options turns the scenario's options into lro options.
func (o *scenarioOptions) options(t *testing.T) []Option {
	var opts []Option
	if o.FinalStateVia != "" {
		opts = append(opts, WithFinalStateVia(FinalStateVia(o.FinalStateVia)))
	}
	if len(o.TrustedHosts) > 0 {
		opts = append(opts, WithTrustedHosts(o.TrustedHosts...))
	}
	if o.MaxStatusBody > 0 {
		opts = append(opts, WithMaxStatusBody(o.MaxStatusBody))
	}
	if o.MaxRetries != nil {
		opts = append(opts, WithMaxRetries(*o.MaxRetries))
	}
	if o.NotFoundGrace != "" {
		opts = append(opts, WithNotFoundGrace(parseDuration(t, o.NotFoundGrace)))
	}
	if o.MaxDelay != "" {
		opts = append(opts, WithMaxDelay(parseDuration(t, o.MaxDelay)))
	}
	return opts
}

// mockService registers the scenario's responses on a fresh mock transport.
// Requests nothing matches fail the test.
func mockService(t *testing.T, responses []mockedResponse) *httpmock.MockTransport {
	t.Helper()
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL)
		return nil, errors.New("no responder")
	})
	var order []string
	seqs := map[string]*responseSequence{}
	for _, r := range responses {
		body, err := bodyBytes(r.Body)
		if err != nil {
			t.Fatalf("response %q: body: %v", r.Match, err)
		}
		if _, _, ok := strings.Cut(r.Match, " "); !ok {
			t.Fatalf("match %q is not \"METHOD URL\"", r.Match)
		}
		if seqs[r.Match] == nil {
			seqs[r.Match] = &responseSequence{}
			order = append(order, r.Match)
		}
		for range max(r.Times, 1) {
			seqs[r.Match].answers = append(seqs[r.Match].answers, cannedAnswer{r: r, body: body})
		}
	}
	for _, m := range order {
		method, u, _ := strings.Cut(m, " ")
		mock.RegisterResponder(method, u, seqs[m].respond)
	}
	return mock
}

type cannedAnswer struct {
	r    mockedResponse
	body []byte
}

// responseSequence answers in order, then repeats its last answer.
type responseSequence struct {
	mu      sync.Mutex
	next    int
	answers []cannedAnswer
}

func (s *responseSequence) respond(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	a := s.answers[min(s.next, len(s.answers)-1)]
	s.next++
	s.mu.Unlock()
	if a.r.Error == "connection" {
		return nil, errors.New("dial tcp: connection refused")
	}
	return cannedResponse(req, a.r.Status, a.r.Headers, a.body, a.r.ContentLength), nil
}

// cannedResponse builds a response as a real transport would: canonical
// header keys, ContentLength, and Request set.
func cannedResponse(req *http.Request, status int, headers map[string]string, body []byte, contentLength *int64) *http.Response {
	h := http.Header{}
	for k, v := range headers {
		h.Set(k, v)
	}
	n := int64(len(body))
	if contentLength != nil {
		n = *contentLength
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: n,
		Request:       req,
	}
}
