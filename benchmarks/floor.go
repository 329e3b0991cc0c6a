package benchmarks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// floorClient is no client anyone should ship: it sends the requests the
// others send, with the headers and body they send, and does the least a
// client can around them. It calls the transport directly (no
// http.Client), parses each URL once, waits the poll interval before each
// poll on one reused timer (as a poll loop must), tells the state by a byte
// search instead of decoding it, and reads every body into one buffer. Only
// the result is decoded, as the others decode it. What it costs is what the
// requests, the waits, the connection and the service cost, plus that
// decode: a bound under every real client, measured in the same run, which
// shows how far below the hand-written loop any client can get. It is not
// safe for concurrent use.
type floorClient struct {
	rt    http.RoundTripper
	urls  map[string]*url.URL // parsed once; the benchmark's few URLs
	buf   *bytes.Buffer
	timer *time.Timer
}

func newFloor(rt http.RoundTripper) client {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &floorClient{rt: rt, urls: map[string]*url.URL{}, buf: new(bytes.Buffer), timer: t}
}

// wait waits the poll interval, or until ctx ends.
func (c *floorClient) wait(ctx context.Context) error {
	c.timer.Reset(interval)
	select {
	case <-c.timer.C:
		return nil
	case <-ctx.Done():
		c.timer.Stop()
		return ctx.Err()
	}
}

var (
	floorAccept  = http.Header{"Accept": {"application/json"}}
	floorInitial = http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}}
	floorDone    = []byte(`"Succeeded"`)
)

func (c *floorClient) url(s string) (*url.URL, error) {
	if u, ok := c.urls[s]; ok {
		return u, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	c.urls[s] = u
	return u, nil
}

// send sends method to target; a PUT or POST carries the benchmarks' body.
func (c *floorClient) send(ctx context.Context, method, target string) (*http.Response, error) {
	u, err := c.url(target)
	if err != nil {
		return nil, err
	}
	req := &http.Request{Method: method, URL: u, Header: floorAccept, Host: u.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	if method != http.MethodGet {
		req.Header = floorInitial
		req.Body = io.NopCloser(bytes.NewReader(putBody))
		req.ContentLength = int64(len(putBody))
	}
	return c.rt.RoundTrip(req.WithContext(ctx))
}

// read reads resp's body into c.buf and closes it.
func (c *floorClient) read(resp *http.Response) ([]byte, error) {
	c.buf.Reset()
	_, err := c.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	return c.buf.Bytes(), err
}

func (c *floorClient) put(ctx context.Context, target string) (Resource, error) {
	resp, err := c.send(ctx, http.MethodPut, target)
	if err != nil {
		return Resource{}, err
	}
	if _, err := c.read(resp); err != nil {
		return Resource{}, err
	}
	if resp.StatusCode != http.StatusCreated {
		return Resource{}, fmt.Errorf("PUT: %s", resp.Status)
	}
	mon := resp.Header.Get("Operation-Location")
	for {
		if err := c.wait(ctx); err != nil {
			return Resource{}, err
		}
		resp, err := c.send(ctx, http.MethodGet, mon)
		if err != nil {
			return Resource{}, err
		}
		body, err := c.read(resp)
		if err != nil {
			return Resource{}, err
		}
		if resp.StatusCode != http.StatusOK {
			return Resource{}, fmt.Errorf("monitor: %s", resp.Status)
		}
		if bytes.Contains(body, floorDone) {
			break
		}
	}
	resp, err = c.send(ctx, http.MethodGet, target)
	if err != nil {
		return Resource{}, err
	}
	return decode(resp, http.StatusOK)
}

func (c *floorClient) post(ctx context.Context, target string) (Resource, error) {
	resp, err := c.send(ctx, http.MethodPost, target)
	if err != nil {
		return Resource{}, err
	}
	if _, err := c.read(resp); err != nil {
		return Resource{}, err
	}
	if resp.StatusCode != http.StatusAccepted {
		return Resource{}, fmt.Errorf("POST: %s", resp.Status)
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return Resource{}, errors.New("POST: no Location")
	}
	for {
		if err := c.wait(ctx); err != nil {
			return Resource{}, err
		}
		resp, err := c.send(ctx, http.MethodGet, loc)
		if err != nil {
			return Resource{}, err
		}
		if resp.StatusCode != http.StatusAccepted {
			return decode(resp, http.StatusOK)
		}
		if _, err := c.read(resp); err != nil {
			return Resource{}, err
		}
	}
}
