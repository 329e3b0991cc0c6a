package lro

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/lrohttp/lro/strategies"
)

const (
	// peekLimit bounds the bytes read of an initial response's body to
	// decide whether it starts an operation. A longer body is not parsed:
	// the response passes through.
	peekLimit = 64 << 10
	// drainLimit bounds the bytes read from a response that is thrown away
	// before closing it, so its connection can be reused.
	drainLimit = 32 << 10
)

// readInto reads r until EOF or limit bytes, into buf's room when it is
// large enough for the body. complete says whether EOF came first. size is
// a hint of the body's length (Content-Length), or -1.
func readInto(buf []byte, r io.Reader, size int64, limit int) (_ []byte, complete bool, err error) {
	n := 512
	if size >= 0 && size < int64(limit) {
		n = int(size) + 1 // room for the read that sees EOF
	}
	if cap(buf) < min(n, limit) {
		// Grow rounds the room up to the allocator's size class, so a
		// reused buffer fits the next body that is a little longer.
		buf = slices.Grow(buf[:0], min(n, limit))
	}
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	return buf, false, nil
}

// replayBody gives back bytes already read from a body, then the rest of it.
// Closing it closes the original body.
type replayBody struct {
	buf []byte
	// err is what reading the original body gave after buf: an error, or
	// io.EOF when it was read to its end (drain then has nothing to read).
	err  error
	rest io.ReadCloser
}

// replay64, replay128, replay256 and smallReplay are a replayBody with room for a
// small body, and for the initial response strategies read: one allocation,
// not three, for the bodies a pass-through PUT or PATCH must have peeked,
// sized to the Content-Length when it is known.
type replay64 struct {
	replayBody
	in    initial
	small [64]byte
}

type replay128 struct {
	replayBody
	in    initial
	small [128]byte
}

type replay256 struct {
	replayBody
	in    initial
	small [256]byte
}

type smallReplay struct {
	replayBody
	in    initial
	small [smallPeek]byte
}

type largeReplay struct {
	replayBody
	in initial
}

// smallPeek is the body length (the read seeing EOF included) that peekBody
// reads into the replayBody itself; also the size for an unknown length.
const smallPeek = 512

func (b *replayBody) Read(p []byte) (int, error) {
	if len(b.buf) > 0 {
		n := copy(p, b.buf)
		b.buf = b.buf[n:]
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.rest.Read(p)
}

func (b *replayBody) Close() error { return b.rest.Close() }

// peekBody reads up to peekLimit bytes of resp's body and puts them back in
// front of the rest, so the caller still reads it byte for byte. It returns
// the bytes when they are the whole body, and nil otherwise (and for
// http.NoBody, which it leaves in place); and room for the initial response
// as strategies see it, allocated with the replay.
func peekBody(resp *http.Response) ([]byte, *initial) {
	if resp.Body == http.NoBody {
		return nil, &initial{} // nothing to read, nothing to put back
	}
	var rb *replayBody
	var buf []byte
	var in *initial
	switch n := resp.ContentLength; {
	case n >= 0 && n < 64:
		sr := &replay64{}
		rb, buf, in = &sr.replayBody, sr.small[:0], &sr.in
	case n >= 0 && n < 128:
		sr := &replay128{}
		rb, buf, in = &sr.replayBody, sr.small[:0], &sr.in
	case n >= 0 && n < 256:
		sr := &replay256{}
		rb, buf, in = &sr.replayBody, sr.small[:0], &sr.in
	case n < smallPeek: // -1 (unknown) included
		sr := &smallReplay{}
		rb, buf, in = &sr.replayBody, sr.small[:0], &sr.in
	default:
		sr := &largeReplay{}
		rb, in = &sr.replayBody, &sr.in
	}
	// One byte over the limit: a body of exactly peekLimit bytes is whole.
	buf, complete, err := readInto(buf, resp.Body, resp.ContentLength, peekLimit+1)
	rb.buf, rb.err, rb.rest = buf, err, resp.Body
	resp.Body = rb
	if !complete {
		return nil, in
	}
	rb.err = io.EOF // as the original body said; it is not read again
	return buf, in
}

// readStatusBody reads all of a status body, up to limit bytes, into buf's
// room when large enough (a run reuses one buffer for all its polls), and
// closes it. Over limit is ErrBodyTooLarge; nothing more is read.
func readStatusBody(buf []byte, body io.ReadCloser, size int64, limit int64) ([]byte, error) {
	defer body.Close()
	if size > limit {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds %d bytes", ErrBodyTooLarge, size, limit)
	}
	l := int(min(limit+1, int64(^uint(0)>>1)))
	buf, complete, err := readInto(buf, body, size, l)
	if err != nil {
		return nil, err
	}
	if !complete && int64(len(buf)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return buf, nil
}

// drain discards a bounded part of a body and closes it. A body known to be
// over (http.NoBody, a peeked body read to its end) is only closed: most
// initial responses of an operation, whose drain would otherwise allocate
// io.CopyN's reader.
func drain(body io.ReadCloser) {
	if body == nil {
		return
	}
	if rb, ok := body.(*replayBody); !(ok && rb.err == io.EOF) && body != http.NoBody {
		_, _ = io.CopyN(io.Discard, body, drainLimit)
	}
	_ = body.Close()
}

// bytesBody is a fresh reader over bytes already read.
func bytesBody(b []byte) io.ReadCloser {
	if len(b) == 0 {
		return http.NoBody
	}
	r := &bytesReadCloser{}
	r.Reset(b)
	return r
}

// bytesReadCloser is io.NopCloser(bytes.NewReader(b)) in one allocation.
type bytesReadCloser struct{ bytes.Reader }

func (*bytesReadCloser) Close() error { return nil }

// cancelBody is a final GET's body: it releases the GET's context when the
// caller closes it, and a failed read (the connection cut mid-body, say)
// returns a *PollError carrying the resume token, so the result can still
// be fetched with Resume.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
	op     *strategies.Operation
	url    string
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		tok, _ := encodeToken(b.op, tokenState{}) // its next step is the final GET, not a poll
		err = &PollError{URL: b.url, Token: tok, Err: &readError{url: b.url, err: err}}
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
