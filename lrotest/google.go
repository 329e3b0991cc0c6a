package lrotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// GoogleProtocol names one of Google's long-running operation protocols.
type GoogleProtocol string

// The protocols a [GoogleScenario] can speak.
const (
	// AIP151 answers the starting request with a
	// google.longrunning.Operation ({"name": …, "done": false}) whose name
	// the client polls under the request's version prefix:
	// GET /{version}/{name}. POST /{version}/{name}:cancel cancels it.
	AIP151 GoogleProtocol = "aip-151"

	// ComputeEngine answers with a compute#operation whose selfLink the
	// client polls until its status is DONE; its targetLink is the
	// instance the request was sent to.
	ComputeEngine GoogleProtocol = "compute"
)

// GoogleScenario describes one simulated Google operation. The zero value is
// an AIP-151 operation that is done, with a response, on its first poll.
type GoogleScenario struct {
	// Protocol is the operation's protocol; "" means AIP151.
	Protocol GoogleProtocol

	// Polls is how many polls are answered "not done" before the done
	// answer; a negative value means the operation never finishes.
	Polls int

	// Done makes the first answer, to the starting request, already done.
	Done bool

	// PlainText sends every answer of the operation with Content-Type
	// text/plain, as some servers do, instead of application/json.
	PlainText bool

	// Version is the AIP-151 API version segment; "" means "v1".
	Version string

	// Name is the AIP-151 operation name; "" means
	// "projects/demo/locations/global/operations/op-{n}". Names may hold
	// "/", "+" and "=".
	Name string

	// ErrorCode, when not 0, makes an AIP-151 operation end with
	// {"error": {"code": ErrorCode, "message": ErrorMessage}}.
	ErrorCode    int
	ErrorMessage string

	// Response is the AIP-151 "response" of a successful operation, as
	// JSON; "" means {"@type": "type.googleapis.com/lrotest.Thing", "id": "{n}"}.
	Response string

	// Scope is the Compute operation's scope: "zones/us-central1-a" ("",
	// the default), "regions/{region}" or "global".
	Scope string

	// Errors and HTTPErrorStatusCode make a Compute operation end DONE
	// with error.errors[] and httpErrorStatusCode (and its
	// httpErrorMessage, the status text in capitals).
	Errors              []ComputeError
	HTTPErrorStatusCode int
}

// ComputeError is one entry of a compute#operation's error.errors[].
type ComputeError struct {
	Code, Message string
}

// GoogleServer simulates Google APIs that run long-running operations, on
// http://127.0.0.1 with a random port. Links it hands out (Compute's
// selfLink and targetLink) use the Host the request came with, so a client
// that dials a googleapis.com name to this server keeps that name. It is
// safe for concurrent use; progress advances by poll count only.
type GoogleServer struct {
	srv *httptest.Server

	mu     sync.Mutex
	n      int
	routes map[string]googleRoute // by unescaped request path
	starts map[string]*googleOp   // by start URL
}

type googleRoute struct {
	op   *googleOp
	kind string // "start", "poll", "cancel", "instance"
}

type googleOp struct {
	sc        GoogleScenario
	n         int
	name      string // AIP-151 name, or Compute operation name
	opPath    string // path of the operation (poll)
	startPath string
	started   bool
	deleting  bool
	polls     int // "not done" poll answers given
	canceled  bool
	log       []GoogleRequest
}

// GoogleRequest is one request a Google operation received.
type GoogleRequest struct {
	Method string
	// Path is the request URI as sent (escaped path and query).
	Path string
	Host string
}

// NewGoogleServer starts a GoogleServer. The caller must Close it.
func NewGoogleServer() *GoogleServer {
	s := &GoogleServer{routes: map[string]googleRoute{}, starts: map[string]*googleOp{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL returns the server's base URL, http://127.0.0.1:{port}.
func (s *GoogleServer) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *GoogleServer) Close() { s.srv.Close() }

// Start registers an operation and returns the URL that starts it: any
// request but GET or HEAD sent there answers with the operation. For
// AIP151 it is {URL}/{version}/things/{n}:run; for ComputeEngine it is the
// instance {URL}/compute/v1/projects/demo/{scope}/instances/vm-{n}, which a
// DELETE deletes and any other method creates (GET reads it).
func (s *GoogleServer) Start(sc GoogleScenario) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	o := &googleOp{sc: sc, n: s.n}
	switch sc.Protocol {
	case ComputeEngine:
		scope := sc.Scope
		if scope == "" {
			scope = "zones/us-central1-a"
		}
		o.name = fmt.Sprintf("operation-%d", s.n)
		base := "/compute/v1/projects/demo/" + scope
		o.opPath = base + "/operations/" + o.name
		o.startPath = fmt.Sprintf("%s/instances/vm-%d", base, s.n)
		s.routes[o.startPath] = googleRoute{o, "start"}
		s.routes[o.opPath] = googleRoute{o, "poll"}
	default:
		v := sc.Version
		if v == "" {
			v = "v1"
		}
		o.name = sc.Name
		if o.name == "" {
			o.name = fmt.Sprintf("projects/demo/locations/global/operations/op-%d", s.n)
		}
		o.opPath = "/" + v + "/" + o.name
		o.startPath = fmt.Sprintf("/%s/things/%d:run", v, s.n)
		s.routes[o.startPath] = googleRoute{o, "start"}
		s.routes[o.opPath] = googleRoute{o, "poll"}
		s.routes[o.opPath+":cancel"] = googleRoute{o, "cancel"}
	}
	u := s.srv.URL + o.startPath
	s.starts[u] = o
	return u
}

// Requests returns a copy of the log of requests the operation started at
// startURL received, in order.
func (s *GoogleServer) Requests(startURL string) []GoogleRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.starts[startURL]; o != nil {
		return append([]GoogleRequest(nil), o.log...)
	}
	return nil
}

func (s *GoogleServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.routes[r.URL.Path]
	if !ok {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "no such path "+r.URL.Path)
		return
	}
	o := rt.op
	o.log = append(o.log, GoogleRequest{Method: r.Method, Path: r.URL.RequestURI(), Host: r.Host})
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	ctype := "application/json"
	if o.sc.PlainText {
		ctype = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	switch {
	case rt.kind == "start" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		if o.sc.Protocol != ComputeEngine || o.deleting && o.done() {
			googleError(w, http.StatusNotFound, "NOT_FOUND", "not found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"kind": "compute#instance", "name": fmt.Sprintf("vm-%d", o.n),
			"status": "RUNNING", "selfLink": base + o.startPath})
	case rt.kind == "start":
		o.started, o.deleting = true, r.Method == http.MethodDelete
		if o.sc.Done {
			o.sc.Polls = 0
		}
		writeJSON(w, http.StatusOK, o.answer(base, o.sc.Done))
	case rt.kind == "poll" && r.Method == http.MethodGet:
		if !o.started {
			googleError(w, http.StatusNotFound, "NOT_FOUND", "operation not started")
			return
		}
		done := o.done()
		if !done {
			o.polls++
		}
		writeJSON(w, http.StatusOK, o.answer(base, done))
	case rt.kind == "cancel" && r.Method == http.MethodPost:
		if !o.started || o.done() {
			googleError(w, http.StatusBadRequest, "FAILED_PRECONDITION", "operation is not running")
			return
		}
		o.canceled = true
		writeJSON(w, http.StatusOK, map[string]any{})
	default:
		googleError(w, http.StatusMethodNotAllowed, "INVALID_ARGUMENT", r.Method+" not allowed here")
	}
}

// done reports whether the next answer is the done one.
func (o *googleOp) done() bool {
	return o.canceled || o.sc.Polls >= 0 && o.polls >= o.sc.Polls
}

// progress is the percentage done: 100 once done, else by polls answered
// (0 for an operation that never finishes).
func (o *googleOp) progress(done bool) int {
	switch {
	case done:
		return 100
	case o.sc.Polls < 0:
		return 0
	}
	return 100 * o.polls / (o.sc.Polls + 1)
}

// answer is the operation as the service shows it now.
func (o *googleOp) answer(base string, done bool) map[string]any {
	if o.sc.Protocol == ComputeEngine {
		return o.computeAnswer(base, done)
	}
	a := map[string]any{"name": o.name, "done": done,
		"metadata": map[string]any{"@type": "type.googleapis.com/lrotest.Metadata", "progressPercent": o.progress(done)}}
	switch {
	case !done:
	case o.canceled:
		a["error"] = map[string]any{"code": 1, "message": "operation was cancelled", "details": []any{}}
	case o.sc.ErrorCode != 0:
		a["error"] = map[string]any{"code": o.sc.ErrorCode, "message": o.sc.ErrorMessage, "details": []any{}}
	default:
		resp := json.RawMessage(o.sc.Response)
		if o.sc.Response == "" {
			resp = json.RawMessage(fmt.Sprintf(`{"@type":"type.googleapis.com/lrotest.Thing","id":"%d"}`, o.n))
		}
		a["response"] = resp
	}
	return a
}

func (o *googleOp) computeAnswer(base string, done bool) map[string]any {
	status := "RUNNING"
	switch {
	case done:
		status = "DONE"
	case o.polls == 0:
		status = "PENDING"
	}
	typ := "insert"
	if o.deleting {
		typ = "delete"
	}
	a := map[string]any{"kind": "compute#operation", "id": fmt.Sprint(o.n), "name": o.name, "operationType": typ,
		"status": status, "progress": o.progress(done), "selfLink": base + o.opPath, "targetLink": base + o.startPath}
	if done && len(o.sc.Errors) > 0 {
		errs := make([]map[string]string, len(o.sc.Errors))
		for i, e := range o.sc.Errors {
			errs[i] = map[string]string{"code": e.Code, "message": e.Message}
		}
		a["error"] = map[string]any{"errors": errs}
	}
	if done && o.sc.HTTPErrorStatusCode != 0 {
		a["httpErrorStatusCode"] = o.sc.HTTPErrorStatusCode
		a["httpErrorMessage"] = strings.ToUpper(http.StatusText(o.sc.HTTPErrorStatusCode))
	}
	return a
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func googleError(w http.ResponseWriter, status int, word, msg string) {
	w.Header().Set("Content-Type", "application/json")
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg, "status": word}})
}
