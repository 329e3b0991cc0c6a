package lrotest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
)

// Recorder is an http.RoundTripper for tests of LRO clients: it sends each
// request through Base, records it with the answer's status, and counts how
// many times each response body is closed, so a test can check what went on
// the wire and that every body was closed exactly once.
//
// Put it below the client under test (lro.New(rec), say) to see every
// request that client sends, its polls included. A Recorder is safe for
// concurrent use. Its zero value sends through http.DefaultTransport and
// records everything.
type Recorder struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper

	// CountOnly keeps the counts (Count, Open, CheckBodies) but not the
	// requests, to save memory in long runs.
	CountOnly bool

	mu     sync.Mutex
	sent   []Sent
	count  int
	bodies []*recordedBody // every body handed out; nil under CountOnly
	open   int             // bodies not closed yet
	twice  int             // bodies closed more than once
}

// Sent is one request that went through a Recorder.
type Sent struct {
	// Request is the request itself, as the client under test built it:
	// compare it, do not modify it. Nil under CountOnly.
	Request *http.Request

	Method string
	URL    *url.URL    // as sent (the request's URL; not to be modified)
	Header http.Header // a copy, as sent
	Status int         // the answer's status code; 0 when Err is set
	Err    error       // the base transport's error
}

// String is "METHOD URL -> status", or "METHOD URL -> error".
func (s Sent) String() string {
	if s.Err != nil {
		return fmt.Sprintf("%s %s -> %v", s.Method, s.URL, s.Err)
	}
	return fmt.Sprintf("%s %s -> %d", s.Method, s.URL, s.Status)
}

// RoundTrip sends req through Base and records it.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	base := r.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	s := Sent{Method: req.Method, URL: req.URL, Err: err}
	if !r.CountOnly {
		s.Request, s.Header = req, req.Header.Clone()
	}
	if err == nil && resp != nil {
		s.Status = resp.StatusCode
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count++
	if !r.CountOnly {
		r.sent = append(r.sent, s)
	}
	if err == nil && resp != nil && resp.Body != nil {
		b := &recordedBody{ReadCloser: resp.Body, rec: r, url: req.URL.Redacted()}
		resp.Body = b
		r.open++
		if !r.CountOnly {
			r.bodies = append(r.bodies, b)
		}
	}
	return resp, err
}

// Sent returns the requests recorded so far, in the order they were sent
// (their answers' order when they ran concurrently).
func (r *Recorder) Sent() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.sent...)
}

// Take returns the requests recorded so far and forgets them (the counts
// stay).
func (r *Recorder) Take() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sent
	r.sent = nil
	return s
}

// Lines returns the recorded requests as "METHOD URL" lines.
func (r *Recorder) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.sent))
	for i, s := range r.sent {
		out[i] = s.Method + " " + s.URL.String()
	}
	return out
}

// Count is the number of requests sent, recorded or not.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// Open is the number of response bodies not closed yet.
func (r *Recorder) Open() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.open
}

// CheckBodies returns nil when every response body handed out has been
// closed exactly once, and otherwise an error naming each body closed
// never or more than once.
func (r *Recorder) CheckBodies() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	if r.CountOnly {
		if r.open > 0 {
			errs = append(errs, fmt.Errorf("%d response bodies not closed", r.open))
		}
		if r.twice > 0 {
			errs = append(errs, fmt.Errorf("%d response bodies closed more than once", r.twice))
		}
		return errors.Join(errs...)
	}
	for i, b := range r.bodies {
		if b.closes != 1 {
			errs = append(errs, fmt.Errorf("body %d (of %s) closed %d times, want 1", i, b.url, b.closes))
		}
	}
	return errors.Join(errs...)
}

type recordedBody struct {
	io.ReadCloser
	rec    *Recorder
	url    string
	closes int // guarded by rec.mu
}

func (b *recordedBody) Close() error {
	b.rec.mu.Lock()
	b.closes++
	switch b.closes {
	case 1:
		b.rec.open--
	case 2:
		b.rec.twice++
	}
	b.rec.mu.Unlock()
	return b.ReadCloser.Close()
}
