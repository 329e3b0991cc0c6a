package lrotest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// Transport returns an http.RoundTripper that serves requests in memory,
// without sockets, through the handler of s or of a server s shares
// operations with (see Scenario.MonitorServer), chosen by the request
// URL's port; the scheme and host name are ignored. Responses stream, so
// faults behave as over the network: Delay honours the request's context,
// Reset fails the body read with io.ErrUnexpectedEOF, and an Endless body
// ends when the client closes it.
func (s *Server) Transport() http.RoundTripper { return memTransport{s} }

type memTransport struct{ s *Server }

func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	srv := t.s.route(req.URL.Port())
	if srv == nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("lrotest: no server listens on %s", req.URL.Host)
	}
	ctx, cancel := context.WithCancel(req.Context())
	in := req.Clone(ctx)
	in.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "192.0.2.1:1234"
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	if in.Body == nil {
		in.Body = http.NoBody
	}
	pr, pw := io.Pipe()
	w := &memWriter{header: http.Header{}, req: req, body: pw, out: make(chan memResult, 1)}
	go w.serve(srv.mux, in)
	select {
	case res := <-w.out:
		if res.err != nil {
			cancel()
			return nil, res.err
		}
		stop := context.AfterFunc(req.Context(), func() { pw.CloseWithError(req.Context().Err()) })
		res.resp.Body = &memBody{PipeReader: pr, cancel: cancel, stop: stop}
		return res.resp, nil
	case <-req.Context().Done():
		cancel()
		pr.CloseWithError(req.Context().Err())
		return nil, req.Context().Err()
	}
}

// memBody is a response body; closing it tells the handler the client
// went away.
type memBody struct {
	*io.PipeReader
	cancel context.CancelFunc
	stop   func() bool
}

func (b *memBody) Close() error {
	b.stop()
	b.cancel()
	return b.PipeReader.Close()
}

type memResult struct {
	resp *http.Response
	err  error
}

// memWriter is the http.ResponseWriter of an in-memory request. Only the
// handler's goroutine uses it.
type memWriter struct {
	header http.Header
	status int
	sent   bool // the response went to out
	req    *http.Request
	body   *io.PipeWriter
	out    chan memResult
}

func (w *memWriter) serve(h http.Handler, r *http.Request) {
	defer func() {
		r.Body.Close()
		v := recover()
		switch {
		case v == nil:
			w.publish()
			// A handler that stopped because the client went away
			// must not end the body cleanly.
			w.body.CloseWithError(r.Context().Err())
		case !w.sent:
			w.out <- memResult{err: fmt.Errorf("lrotest: handler aborted: %v", v)}
		default:
			w.body.CloseWithError(io.ErrUnexpectedEOF)
		}
	}()
	h.ServeHTTP(w, r)
}

func (w *memWriter) Header() http.Header { return w.header }

func (w *memWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
}

func (w *memWriter) Write(p []byte) (int, error) {
	w.publish()
	return w.body.Write(p)
}

func (w *memWriter) Flush() { w.publish() }

// publish sends the response head to RoundTrip, once.
func (w *memWriter) publish() {
	if w.sent {
		return
	}
	w.sent = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.header.Clone()
	n := int64(-1)
	if v, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
		n = v
	}
	if w.status == http.StatusNoContent || w.status == http.StatusNotModified {
		n = 0
	}
	w.out <- memResult{resp: &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		ContentLength: n,
		Request:       w.req,
	}}
}

// route returns the server listening on port: s or one of its peers.
func (s *Server) route(port string) *Server {
	if port == s.port {
		return s
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peers[port]
}
