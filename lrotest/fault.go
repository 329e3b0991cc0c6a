package lrotest

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Step names the kind of request an operation receives.
type Step int

const (
	// Poll is a GET of the status monitor or status URL, or, with the
	// ProvisioningState protocol, a GET of the resource URL before the
	// operation is done.
	Poll Step = iota

	// Initial is the PUT, PATCH, POST or DELETE of the resource URL.
	Initial

	// Final is any other GET: the resource URL or the result URL.
	Final

	numSteps = iota
)

// String returns "poll", "initial" or "final".
func (s Step) String() string {
	switch s {
	case Poll:
		return "poll"
	case Initial:
		return "initial"
	case Final:
		return "final"
	}
	return "step" + strconv.Itoa(int(s))
}

// trickleEvery is how often an endless body writes a byte.
const trickleEvery = 10 * time.Millisecond

// Fault is a failure injected into some requests of an operation.
//
// Requests of each Step are numbered from 1 in arrival order, counting
// faulted and rejected (400, 405) ones. A fault hits requests N to N+Count-1 of its Step; when several
// faults match a request, the first in Scenario.Faults wins.
//
// Delay combines with any other field, and Reset or Endless deliver the
// answer the other fields make (the normal answer, or Status and Body).
// A fault that only delays leaves the answer alone. Any other fault
// replaces the answer, and the request does not advance the operation:
// a faulted poll is not an in-progress answer, a faulted initial request
// does not start the operation. For example, with Polls 1 and
// Fault{N: 1, Count: 2, Status: 404}, polls 1 and 2 answer 404, poll 3
// is in progress and poll 4 is terminal: the 404-then-appear grace case.
type Fault struct {
	// Step is the kind of request the fault hits; the zero value is Poll.
	Step Step

	// N is the number, from 1, of the first request hit; 0 means 1.
	N int

	// Count is how many consecutive requests are hit; 0 means 1 and a
	// negative value means every request from N on.
	Count int

	// Status, if set, answers with this status code and a JSON error
	// body {"error":{"code":"TooManyRequests","message":"..."}} whose
	// code is the status text without spaces.
	Status int

	// RetryAfter, if positive, adds Retry-After (and retry-after-ms when
	// the Scenario's RetryAfterMS is set) to the faulted answer.
	RetryAfter time.Duration

	// Body, if set, replaces the answer's body (for example with
	// malformed JSON), keeping its status unless Status is set.
	Body string

	// Redirect, if set, answers with a redirect to this URL (absolute,
	// or relative to the request URL); the status is Status if set and
	// 307 Temporary Redirect otherwise.
	Redirect string

	// Delay, if positive, holds the answer back this long (less if the
	// client goes away or the server closes).
	Delay time.Duration

	// Reset cuts the connection mid-body: the answer's headers and half
	// its body (with a Content-Length for all of it) are flushed, then
	// the handler aborts with http.ErrAbortHandler, which closes the
	// connection. Clients see io.ErrUnexpectedEOF reading the body.
	Reset bool

	// Endless sends the answer's headers without a Content-Length and a
	// body that never ends: half the answer's body (or "{"), then a space
	// every 10ms until the client goes away or the server closes.
	Endless bool
}

// hits reports whether f applies to request n of step.
func (f *Fault) hits(step Step, n int) bool {
	first := max(f.N, 1)
	if f.Step != step || n < first {
		return false
	}
	switch {
	case f.Count < 0:
		return true
	case f.Count == 0:
		return n == first
	}
	return n < first+f.Count
}

// replaces reports whether f replaces the answer, rather than only
// delaying it.
func (f *Fault) replaces() bool {
	return f.Status != 0 || f.Body != "" || f.Redirect != "" || f.Reset || f.Endless
}

// apply rewrites the normal answer a as the fault dictates.
func (f *Fault) apply(a *answer, retryAfterMS bool) {
	switch {
	case f.Redirect != "":
		code := f.Status
		if code == 0 {
			code = http.StatusTemporaryRedirect
		}
		*a = answer{status: code, header: http.Header{"Location": {f.Redirect}}}
	case f.Status != 0:
		*a = *errorAnswer(f.Status, codeOf(f.Status), "injected fault")
	}
	if f.Body != "" {
		a.body = []byte(f.Body)
	}
	retryAfter(a.header, f.RetryAfter, retryAfterMS)
	a.fault = f
}

// codeOf turns a status code into an error code: 429 TooManyRequests.
func codeOf(status int) string {
	text := http.StatusText(status)
	code := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		if c := text[i]; c != ' ' && c != '-' && c != '\'' {
			code = append(code, c)
		}
	}
	if len(code) == 0 {
		return "Status" + strconv.Itoa(status)
	}
	return string(code)
}

// wait sleeps for d and reports whether it was neither interrupted by the
// client going away nor by the server closing.
func wait(ctx context.Context, quit <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-quit:
	}
	return false
}

// cut writes the headers and half the body of a, then aborts the handler
// so that the server closes the connection.
func cut(w http.ResponseWriter, a *answer) {
	body := a.body
	if len(body) < 2 {
		body = []byte(`{"error":{"code":"Truncated"}}`)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(a.status)
	w.Write(body[:len(body)/2])
	http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

// trickle writes the headers and half the body of a, then a space every
// trickleEvery until the client goes away or the server closes.
func trickle(w http.ResponseWriter, r *http.Request, quit <-chan struct{}, a *answer) {
	w.Header().Del("Content-Length")
	w.WriteHeader(a.status)
	start := a.body[:len(a.body)/2]
	if len(start) == 0 {
		start = []byte("{")
	}
	rc := http.NewResponseController(w)
	if _, err := w.Write(start); err != nil {
		return
	}
	for rc.Flush() == nil && wait(r.Context(), quit, trickleEvery) {
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
	}
}
