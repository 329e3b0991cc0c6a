package lro

// Fuzz targets of the reliability guarantees (README "Guarantees"): Retry-After
// parsing, status-body reading, resume tokens, and detection through the
// whole transport. Seed corpora live in testdata/fuzz/<FuzzName>/; .ci/fuzz.sh
// runs each target briefly.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lrohttp/lro/strategies"
)

var relRetryHeaders = [...]string{"Retry-After", "Retry-After-Ms", "X-Ms-Retry-After-Ms"}

// FuzzRetryAfter: whatever a server sends, the delay is positive and at most
// maxDelay, integer seconds are read exactly (no overflow), and the default
// retry backoff never goes negative.
func FuzzRetryAfter(f *testing.F) {
	f.Add(uint8(0), "120", int64(time.Minute))
	f.Add(uint8(0), "Wed, 21 Oct 2015 07:28:00 GMT", int64(time.Hour))
	f.Add(uint8(0), "9223372037", int64(time.Minute))
	f.Add(uint8(1), "-1", int64(time.Second))
	f.Add(uint8(2), "99999999999999999999", int64(time.Second))
	f.Fuzz(func(t *testing.T, which uint8, v string, maxDelay int64) {
		if maxDelay <= 0 {
			maxDelay = int64(DefaultMaxDelay)
		}
		md := time.Duration(maxDelay)
		h := http.Header{relRetryHeaders[int(which)%len(relRetryHeaders)]: {v}}
		now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		d, ok := retryAfter(h, func() time.Time { return now }, md)
		if ok && (d <= 0 || d > md) {
			t.Fatalf("retryAfter(%v) = %v, want in (0, %v]", h, d, md)
		}
		if !ok && d != 0 {
			t.Fatalf("retryAfter(%v) = %v, false", h, d)
		}
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && which%3 == 0 {
			switch {
			case s <= 0 && ok:
				t.Fatalf("Retry-After %q: got %v, want ignored", v, d)
			case s > 0 && s <= int64(md/time.Second) && d != time.Duration(s)*time.Second:
				t.Fatalf("Retry-After %q: got %v, want %ds", v, d, s)
			case s > 0 && s > int64(md/time.Second) && d != md:
				t.Fatalf("Retry-After %q: got %v, want the cap %v", v, d, md)
			}
		}
		for _, code := range [...]int{429, 503, 500} {
			if b := defaultBackoff(time.Millisecond, time.Second, 3, &http.Response{StatusCode: code, Header: h}); b < 0 {
				t.Fatalf("defaultBackoff(%d, %v) = %v", code, h, b)
			}
		}
	})
}

// relSource is a body that counts the bytes read from it and whether it was
// closed; endless, it never ends.
type relSource struct {
	data    []byte
	endless bool
	read    int64
	closed  bool
}

func (s *relSource) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		if !s.endless {
			return 0, io.EOF
		}
		s.data = []byte("          ")
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	s.read += int64(n)
	return n, nil
}

func (s *relSource) Close() error { s.closed = true; return nil }

// FuzzReadStatusBody: a status body is read whole when it fits the cap and
// refused with ErrBodyTooLarge when it does not; never more than cap+1 bytes
// are read (an endless body included), whatever Content-Length claims, and
// the body is always closed.
func FuzzReadStatusBody(f *testing.F) {
	f.Add([]byte(`{"status":"Running"}`), int64(-1), uint16(64), false)
	f.Add([]byte(`{"status":"Running"}`), int64(1<<40), uint16(64), false)
	f.Add([]byte(`{`), int64(-1), uint16(8), true)
	f.Add([]byte(strings.Repeat("x", 600)), int64(5), uint16(599), false)
	f.Fuzz(func(t *testing.T, data []byte, size int64, limit uint16, endless bool) {
		lim := int64(limit) + 1
		src := &relSource{data: bytes.Clone(data), endless: endless}
		got, err := readStatusBody(nil, src, size, lim)
		if !src.closed {
			t.Fatal("body not closed")
		}
		if src.read > lim+1 {
			t.Fatalf("read %d bytes with a cap of %d", src.read, lim)
		}
		fits := !endless && int64(len(data)) <= lim && size <= lim
		switch {
		case fits && (err != nil || !bytes.Equal(got, data)):
			t.Fatalf("got %q %v, want %q", got, err, data)
		case !fits && !errors.Is(err, ErrBodyTooLarge):
			t.Fatalf("got %d bytes, err %v; want ErrBodyTooLarge", len(got), err)
		}
	})
}

var relStatuses = [...]strategies.Status{strategies.InProgress, strategies.Succeeded, strategies.Failed, strategies.Canceled, "Bogus", ""}

// FuzzTokenRoundTrip: every operation lro accepts survives encode then
// decode unchanged, within the token size limit when its URLs are within
// strategies.MaxURLLength; one it refuses is refused by decode too.
func FuzzTokenRoundTrip(f *testing.F) {
	f.Add("operation-location", "PUT", "https://svc.example.com/r?api-version=1", "https://svc.example.com/op/1", "", "", "", uint8(0), "Running", []byte(nil))
	f.Add("location", "POST", "http://h/a&b<c>", "http://h/op?x=\"y\"", "http://h/loc", "http://h/res", "location", uint8(1), "", []byte(`{"k": [1, 2]}`))
	f.Add("body", "", "ftp://h/", "", "", "", "", uint8(4), "", []byte(`not json`))
	f.Fuzz(func(t *testing.T, strategy, method, u, poll, loc, res, fsv string, st uint8, svc string, data []byte) {
		for _, s := range [...]string{strategy, method, u, poll, loc, res, fsv, svc} {
			if !utf8.ValidString(s) {
				return // JSON would replace invalid UTF-8: no URL lro accepts has it (url.Parse escapes)
			}
		}
		op := &strategies.Operation{Strategy: strategy, Method: method, URL: u, PollURL: poll, Location: loc,
			ResultURL: res, FinalStateVia: fsv, Status: relStatuses[int(st)%len(relStatuses)], ServiceStatus: svc}
		var buf bytes.Buffer
		if json.Valid(data) && json.Compact(&buf, data) == nil && buf.Len() > 0 {
			op.Data = buf.Bytes()
		}
		tok, err := encodeToken(op, tokenState{})
		if err != nil {
			t.Fatalf("encodeToken: %v", err)
		}
		got, _, err := decodeToken(tok)
		if verr := validateOperation(op); verr != nil {
			if err == nil {
				t.Fatalf("decode accepted an operation validate refuses (%v)", verr)
			}
			return
		}
		short := true
		for _, s := range [...]string{u, poll, loc, res} {
			short = short && len(s) <= strategies.MaxURLLength
		}
		if err != nil {
			if short || !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("decodeToken(encodeToken(%+v)): %v", op, err)
			}
			return
		}
		// Data is compared as JSON: encoding may escape it differently
		// (& as \u0026).
		var gd, wd any
		if (got.Data == nil) != (op.Data == nil) || got.Data != nil &&
			(json.Unmarshal(got.Data, &gd) != nil || json.Unmarshal(op.Data, &wd) != nil || !reflect.DeepEqual(gd, wd)) {
			t.Fatalf("round trip: Data %s, want %s", got.Data, op.Data)
		}
		g, w := *got, *op
		g.Data, w.Data = nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", g, w)
		}
	})
}

// FuzzTokenReencode: decoding any string neither panics nor accepts more than
// maxTokenLen; what it accepts re-encodes to a token that decodes the same.
func FuzzTokenReencode(f *testing.F) {
	tok, _ := encodeToken(&strategies.Operation{Strategy: "location", Method: "PUT", URL: "https://h/r", PollURL: "https://h/op", Status: strategies.InProgress}, tokenState{})
	f.Add(tok)
	f.Add(tok[:len(tok)/2])
	f.Add("")
	f.Add("eyJ2IjoxfQ")
	f.Fuzz(func(t *testing.T, tok string) {
		op, st, err := decodeToken(tok)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) && !errors.Is(err, strategies.ErrInvalidURL) {
				t.Fatalf("decodeToken: %v, want ErrInvalidToken", err)
			}
			return
		}
		if len(tok) > maxTokenLen {
			t.Fatalf("accepted a %d-byte token", len(tok))
		}
		tok2, err := encodeToken(op, st)
		if err != nil {
			t.Fatal(err)
		}
		op2, st2, err := decodeToken(tok2)
		if err != nil || !reflect.DeepEqual(op, op2) || !reflect.DeepEqual(st, st2) {
			t.Fatalf("re-encoded token: %+v %+v %v, want %+v %+v", op2, st2, err, op, st)
		}
	})
}

var (
	relMethods = [...]string{"PUT", "PATCH", "POST", "DELETE", "GET"}
	relHeaders = [...]string{"Operation-Location", "Azure-AsyncOperation", "Location", "Retry-After", "Retry-After-Ms", "Content-Length"}
)

// relFuzzBase is the service of FuzzRoundTrip: the initial answer, then the
// poll answer to every GET, and after 8 requests a transport error, so that
// even an operation that never ends stops fast (its retries run out). It
// counts the bodies it hands out and the ones closed.
type relFuzzBase struct {
	initial, poll  func() *http.Response
	n              int
	opened, closed atomic.Int64
}

type relFuzzBody struct {
	io.Reader
	b      *relFuzzBase
	closed atomic.Bool
}

func (b *relFuzzBody) Close() error {
	if !b.closed.Swap(true) {
		b.b.closed.Add(1)
	}
	return nil
}

func (b *relFuzzBase) RoundTrip(req *http.Request) (*http.Response, error) {
	b.n++
	var resp *http.Response
	switch {
	case b.n == 1:
		resp = b.initial()
	case b.n > 8:
		return nil, errors.New("relFuzzBase: enough")
	default:
		resp = b.poll()
	}
	resp.Request = req
	b.opened.Add(1)
	resp.Body = &relFuzzBody{Reader: resp.Body, b: b}
	return resp, nil
}

func relFuzzResponse(status int, h http.Header, body []byte) func() *http.Response {
	return func() *http.Response {
		return &http.Response{StatusCode: status, Status: fmt.Sprint(status), Header: h.Clone(),
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
	}
}

// FuzzRoundTrip feeds detection and the polling loop arbitrary responses:
// RoundTrip never panics or hangs, returns a response or an error (never
// both, never neither), every error after the start carries a token that
// decodes, and every body the base transport handed out is closed.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), 201, uint8(0), "https://svc.test/op", []byte(`{}`), 200, uint8(0), "", []byte(`{"status":"Succeeded"}`))
	f.Add(uint8(2), 202, uint8(2), "/status", []byte(nil), 202, uint8(2), "/status?x=1", []byte(nil))
	f.Add(uint8(0), 201, uint8(5), "12", []byte(`{"properties":{"provisioningState":"Creating"}}`), 200, uint8(3), "1", []byte(`{"properties":{"provisioningState":"Succeeded"}}`))
	f.Add(uint8(1), 202, uint8(1), "https://svc.test/op", []byte(`x`), 500, uint8(4), "5", []byte(`{"status":`))
	f.Add(uint8(3), 202, uint8(0), "ftp://svc.test/op", []byte(nil), 404, uint8(0), "", []byte(nil))
	f.Fuzz(func(t *testing.T, m uint8, status int, h1 uint8, v1 string, body []byte, pollStatus int, h2 uint8, v2 string, pollBody []byte) {
		status = 100 + abs(status)%500
		pollStatus = 100 + abs(pollStatus)%500
		ih := http.Header{relHeaders[int(h1)%len(relHeaders)]: {v1}}
		ph := http.Header{relHeaders[int(h2)%len(relHeaders)]: {v2}}
		base := &relFuzzBase{initial: relFuzzResponse(status, ih, body), poll: relFuzzResponse(pollStatus, ph, pollBody)}
		tr := New(base, WithPollInterval(time.Microsecond), WithMaxDelay(time.Millisecond),
			WithBackoff(nil, time.Microsecond, time.Microsecond), WithMaxRetries(1),
			WithNotFoundGrace(time.Millisecond), WithMaxWait(5*time.Second))
		req, _ := http.NewRequest(relMethods[int(m)%len(relMethods)], "https://svc.test/r?api-version=1", nil)
		resp, err := tr.RoundTrip(req)
		switch {
		case (resp == nil) == (err == nil):
			t.Fatalf("RoundTrip returned %v and %v", resp, err)
		case err != nil:
			if tok, ok := TokenFromError(err); ok {
				if _, _, derr := decodeToken(tok); derr != nil {
					t.Fatalf("error %v carries a token that does not decode: %v", err, derr)
				}
			}
		default:
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if o, c := base.opened.Load(), base.closed.Load(); o != c {
			t.Fatalf("%d of %d bodies left open (err %v)", o-c, o, err)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}

// TestTrustedHostsASCIIOnly: hosts are compared after lowercasing ASCII
// letters only; a host that differs by a letter Unicode folds to ASCII (the
// Kelvin sign K folds to k) is another host and gets no credentials.
func TestTrustedHostsASCIIOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		origin, target string
		trusted        []string
		want           bool
	}{
		{"kelvin.example", "KELVIN.example", nil, true},
		{"kelvin.example", "\u212Aelvin.example", nil, false},
		{"a.example", "\u212Aelvin.example", []string{"kelvin.example"}, false},
		{"a.example", "x.Kelvin.example", []string{"KELVIN.example"}, true},
		{"example.com", "evilexample.com", nil, false},
		{"example.com", "sub.example.com", nil, true},
		{"sub.example.com", "example.com", nil, false},
	}
	for _, tc := range tests {
		c := defaultConfig()
		WithTrustedHosts(tc.trusted...).apply(&c)
		o := origin{url: &url.URL{Scheme: "https", Host: tc.origin}}
		if got := c.trusted(&o, &url.URL{Scheme: "https", Host: tc.target}); got != tc.want {
			t.Errorf("trusted(%q → %q, %v) = %v, want %v", tc.origin, tc.target, tc.trusted, got, tc.want)
		}
	}
}
