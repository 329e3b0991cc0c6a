// Package benchmarks compares lro with azcore's runtime.Poller and with a
// minimal hand-written net/http polling loop. It is a separate module so the
// library never depends on azcore. See run.sh.
package benchmarks

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The service below is deliberately cheap, and the same for the three
// clients: lrotest's in-memory transport runs a goroutine and a pipe per
// request, which would drown the differences this suite measures.
//
// URLs: PUT /res/{id} starts an Operation-Location operation (201, monitor
// /ops/{id}, final GET /res/{id}); POST /res/{id} starts a Location one
// (202, status URL /ops/{id}, whose last answer is the result). Each
// operation gives K in-progress answers, then the terminal one. No
// Retry-After unless asked.

// Bodies the service sends.
var (
	putBody      = []byte(`{"name":"res","properties":{"size":3,"tier":"basic"}}`)
	creatingBody = []byte(`{"id":"/res/0","name":"res","properties":{"provisioningState":"Creating","size":3,"tier":"basic"}}`)
	resourceBody = []byte(`{"id":"/res/0","name":"res","properties":{"provisioningState":"Succeeded","size":3,"tier":"basic"}}`)
	runningBody  = []byte(`{"id":"0","status":"Running"}`)
	doneBody     = []byte(`{"id":"0","status":"Succeeded"}`)
	resultBody   = []byte(`{"name":"res","result":"done"}`)
)

// Resource is what the clients decode the final body into.
type Resource struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Result     string `json:"result"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
		Size              int    `json:"size"`
		Tier              string `json:"tier"`
	} `json:"properties"`
}

type opState struct {
	left   atomic.Int64 // in-progress answers still to give
	doneAt atomic.Int64 // unix ns when the last in-progress answer was sent
	polls  atomic.Int64 // polls received after doneAt was set
}

// service is the simulated LRO service: an http.RoundTripper and
// policy.Transporter in memory, and an http.Handler for loopback sockets.
type service struct {
	base  string // scheme://host[:port], no trailing slash
	k     int64
	ops   []opState
	reqs  atomic.Int64
	clone bool // fresh header maps per response, as a socket would give

	// retryAfterMS, when positive, goes on in-progress answers as
	// retry-after-ms.
	retryAfterMS int

	hdrOL, hdrLoc []http.Header // per op: initial headers
	hdrJSON       http.Header
	hdrRetry      http.Header

	// evict, when LRO_BENCH_EVICT gives a size in bytes, is a buffer the
	// in-memory service writes a byte of on every cache line before each
	// answer: it evicts what the client left in the CPU's caches, as the
	// kernel's network path does between requests over a real connection
	// (docs/performance.md, "cold caches"). Off by default; only the
	// in-memory whole-operation benchmarks, which send one request at a
	// time, set it (start). evictSum sums the bytes read, so that the
	// sweep is not optimised away.
	evict    []byte
	evictSum byte
}

func newService(base string, k, nops int) *service {
	s := &service{base: base, k: int64(k), ops: make([]opState, nops)}
	s.hdrJSON = http.Header{"Content-Type": {"application/json"}}
	s.hdrOL = make([]http.Header, nops)
	s.hdrLoc = make([]http.Header, nops)
	for i := range nops {
		id := strconv.Itoa(i)
		s.hdrOL[i] = http.Header{"Content-Type": {"application/json"}, "Operation-Location": {base + "/ops/" + id}}
		s.hdrLoc[i] = http.Header{"Location": {base + "/ops/" + id}}
	}
	return s
}

func (s *service) setRetryAfterMS(ms int) {
	s.retryAfterMS = ms
	s.hdrRetry = http.Header{"Content-Type": {"application/json"}, "Retry-After-Ms": {strconv.Itoa(ms)}}
}

// answer is one response: status, headers (shared, never modified by the
// clients) and body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// serve decides the answer to method on path.
func (s *service) serve(method, path string) answer {
	s.reqs.Add(1)
	kind, id, ok := parsePath(path)
	if !ok || id >= len(s.ops) {
		return answer{status: http.StatusNotFound}
	}
	op := &s.ops[id]
	switch {
	case kind == "res" && method == http.MethodPut:
		op.left.Store(s.k)
		op.doneAt.Store(0)
		op.polls.Store(0)
		return answer{http.StatusCreated, s.hdrOL[id], creatingBody}
	case kind == "res" && method == http.MethodPost:
		op.left.Store(-s.k - 1) // negative: a Location operation
		op.doneAt.Store(0)
		op.polls.Store(0)
		return answer{http.StatusAccepted, s.hdrLoc[id], nil}
	case kind == "res" && method == http.MethodGet:
		return answer{http.StatusOK, s.hdrJSON, resourceBody}
	case kind == "ops" && method == http.MethodGet:
		if op.doneAt.Load() != 0 {
			op.polls.Add(1)
		}
		left := op.left.Load()
		switch {
		case left > 0: // Operation-Location, in progress
			op.left.Add(-1)
			return s.inProgress(op, left == 1, http.StatusOK, runningBody)
		case left == 0:
			return answer{http.StatusOK, s.hdrJSON, doneBody}
		case left < -1: // Location, in progress
			op.left.Add(1)
			return s.inProgress(op, left == -2, http.StatusAccepted, nil)
		default:
			return answer{http.StatusOK, s.hdrJSON, resultBody}
		}
	}
	return answer{status: http.StatusMethodNotAllowed}
}

func (s *service) inProgress(op *opState, last bool, status int, body []byte) answer {
	h := s.hdrJSON
	if s.retryAfterMS > 0 {
		h = s.hdrRetry
	}
	if last {
		op.doneAt.Store(time.Now().UnixNano())
	}
	return answer{status, h, body}
}

func parsePath(p string) (kind string, id int, ok bool) {
	p = strings.TrimPrefix(p, "/")
	kind, rest, ok := strings.Cut(p, "/")
	if !ok {
		return "", 0, false
	}
	id, err := strconv.Atoi(rest)
	return kind, id, err == nil
}

// RoundTrip answers in memory.
func (s *service) RoundTrip(req *http.Request) (*http.Response, error) {
	for i := 0; i < len(s.evict); i += 64 {
		s.evict[i]++
		s.evictSum += s.evict[i]
	}
	if req.Body != nil {
		_ = req.Body.Close()
	}
	a := s.serve(req.Method, req.URL.Path)
	h := a.header
	if s.clone {
		h = h.Clone()
	}
	resp := &http.Response{
		Status:        http.StatusText(a.status),
		StatusCode:    a.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		ContentLength: int64(len(a.body)),
		Body:          http.NoBody,
		Request:       req,
	}
	if len(a.body) > 0 {
		resp.Body = &memBody{b: a.body}
	}
	return resp, nil
}

// Do makes service an azcore policy.Transporter.
func (s *service) Do(req *http.Request) (*http.Response, error) { return s.RoundTrip(req) }

// ServeHTTP answers over a socket.
func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	a := s.serve(r.Method, r.URL.Path)
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(a.body))}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// memBody is a response body over bytes the service owns.
type memBody struct {
	b []byte
	i int
}

func (m *memBody) Read(p []byte) (int, error) {
	if m.i >= len(m.b) {
		return 0, io.EOF
	}
	n := copy(p, m.b[m.i:])
	m.i += n
	return n, nil
}

func (m *memBody) Close() error { return nil }

// passBase is the pass-through base: a canned response with a reusable
// body, and no allocation, so lro's own cost shows. It serves one
// goroutine.
type passBase struct {
	tmpl http.Response
	resp http.Response
	body memBody
}

func newPassBase(status int, header http.Header, body []byte) *passBase {
	b := &passBase{tmpl: http.Response{
		Status: http.StatusText(status), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header, ContentLength: int64(len(body)),
	}}
	b.body.b = body
	return b
}

func (b *passBase) RoundTrip(req *http.Request) (*http.Response, error) {
	b.resp = b.tmpl
	b.body.i = 0
	b.resp.Body = &b.body
	b.resp.Request = req
	return &b.resp, nil
}
