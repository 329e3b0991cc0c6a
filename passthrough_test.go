package lro

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/lrohttp/lro/lrotest"
)

// TestPeekedBodiesIntact checks that a PUT or PATCH 200/201 whose body the
// transport peeks to look for a provisioningState, and which does not start
// an operation, reaches the caller byte for byte, whatever its size and
// however the body reads, with nothing else sent.
func TestPeekedBodiesIntact(t *testing.T) {
	t.Parallel()
	big := func(prefix string, size int) []byte {
		b := []byte(prefix + `"pad":"`)
		b = append(b, bytes.Repeat([]byte("x"), size-len(b)-2)...)
		return append(b, `"}`...)
	}
	tests := []struct {
		name string
		body []byte
	}{
		{"no provisioningState", []byte(`{"id":"r1", "name": "r1"}`)},
		{"terminal provisioningState", []byte("{\n  \"properties\": {\"provisioningState\": \"Succeeded\"}\n}\n")},
		{"failed provisioningState", []byte(`{"properties":{"provisioningState":"Failed"}}`)},
		{"provisioningState not a string", []byte(`{"properties":{"provisioningState":3}}`)},
		{"not JSON", []byte(`provisioningState: Creating`)},
		{"empty", nil},
		{"just under 64 KiB, terminal", big(`{"properties":{"provisioningState":"Succeeded"},`, peekLimit-1)},
		{"over 64 KiB, terminal", big(`{"properties":{"provisioningState":"Succeeded"},`, 70_000)},
		{"over 64 KiB, non-terminal", big(`{"properties":{"provisioningState":"Creating"},`, 200_000)},
		{"1 MiB, no state", big(`{"properties":{},`, 1<<20)},
	}
	for _, tc := range tests {
		for _, method := range []string{http.MethodPut, http.MethodPatch} {
			for _, status := range []int{http.StatusOK, http.StatusCreated} {
				for _, known := range []bool{true, false} {
					name := tc.name + "/" + method + "/" + http.StatusText(status)
					if !known {
						name += "/no length"
					}
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						checkPassThrough(t, method, status, tc.body, known)
					})
				}
			}
		}
	}
}

func checkPassThrough(t *testing.T, method string, status int, body []byte, known bool) {
	var n *int64
	if !known {
		n = new(int64)
		*n = -1
	}
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp := cannedResponse(req, status, map[string]string{"Content-Type": "application/json"}, nil, n)
		// Short reads of one byte and then a half buffer at a time.
		resp.Body = io.NopCloser(iotest.HalfReader(iotest.OneByteReader(bytes.NewReader(body))))
		if known {
			resp.ContentLength = int64(len(body))
		}
		return resp, nil
	})
	tt := &lrotest.Recorder{Base: base}
	req, _ := http.NewRequest(method, "https://svc.example.com/res", strings.NewReader("{}"))
	resp, err := New(tt, fastOptions()...).RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	if resp.StatusCode != status {
		t.Errorf("got status %d, want %d", resp.StatusCode, status)
	}
	got := readAndClose(t, resp.Body)
	if !bytes.Equal(got, body) {
		t.Errorf("got %d bytes, want the %d sent byte for byte", len(got), len(body))
	}
	if n := tt.Count(); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
	if err := tt.CheckBodies(); err != nil {
		t.Error(err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// TestResultReadIsFreshReader checks that when the result is a response the
// transport already read (the Location protocol's last poll), the caller
// gets a fresh reader over the same bytes, and the original body is closed.
func TestResultReadIsFreshReader(t *testing.T) {
	t.Parallel()
	result := bytes.Repeat([]byte(`{"k":"v"},`), 5000)
	result = append(append([]byte("["), result[:len(result)-1]...), ']')
	mock := mockService(t, []mockedResponse{
		{Match: "POST https://svc.example.com/res", Status: 202, Headers: map[string]string{"Location": "/status/1"}},
		{Match: "GET https://svc.example.com/status/1", Status: 200, Body: mustString(result)},
	})
	tt := &lrotest.Recorder{Base: mock}
	req, _ := http.NewRequest(http.MethodPost, "https://svc.example.com/res", nil)
	resp, err := New(tt, fastOptions()...).RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	sent := tt.Sent()
	if len(sent) != 2 || resp.Request != sent[1].Request {
		t.Fatalf("resp.Request = %v, want the poll (of %d requests)", requestLine(resp.Request), len(sent))
	}
	if err := tt.CheckBodies(); err != nil { // the poll's own body is closed before the caller reads
		t.Error(err)
	}
	if got := readAndClose(t, resp.Body); !bytes.Equal(got, result) {
		t.Errorf("got %d bytes, want the %d bytes of the last poll", len(got), len(result))
	}
}

// mustString makes a JSON string literal of b, for a mocked body.
func mustString(b []byte) []byte {
	var buf bytes.Buffer
	buf.WriteByte('"')
	for _, c := range string(b) {
		switch c {
		case '"', '\\':
			buf.WriteByte('\\')
		}
		buf.WriteRune(c)
	}
	buf.WriteByte('"')
	return buf.Bytes()
}

// TestPeekBoundary checks the 64 KiB peek limit from both sides: a PUT body
// of exactly peekLimit bytes with a non-terminal provisioningState starts an
// operation; one byte more passes through.
func TestPeekBoundary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		size      int
		wantPolls bool
	}{
		{peekLimit - 1, true},
		{peekLimit, true},
		{peekLimit + 1, false},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.size), func(t *testing.T) {
			t.Parallel()
			body := []byte(`{"properties":{"provisioningState":"Creating"},"pad":"`)
			body = append(body, bytes.Repeat([]byte("x"), tc.size-len(body)-2)...)
			body = append(body, '"', '}')
			if len(body) != tc.size {
				t.Fatalf("built %d bytes, want %d", len(body), tc.size)
			}
			polls := 0
			base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
				if req.Method == http.MethodPut {
					return &http.Response{StatusCode: 201, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)),
						ContentLength: int64(len(body)), Request: req}, nil
				}
				polls++
				return &http.Response{StatusCode: 200, Header: http.Header{},
					Body: io.NopCloser(strings.NewReader(`{"properties":{"provisioningState":"Succeeded"}}`)), Request: req}, nil
			})
			req, _ := http.NewRequest(http.MethodPut, "https://svc.example.com/r", nil)
			resp, err := New(base, fastOptions()...).RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			got := readAndClose(t, resp.Body)
			if gotPolls := polls > 0; gotPolls != tc.wantPolls {
				t.Errorf("polled %d times, want polling %v", polls, tc.wantPolls)
			}
			if !tc.wantPolls && !bytes.Equal(got, body) {
				t.Errorf("pass-through body: got %d bytes, want the %d sent", len(got), len(body))
			}
		})
	}
}
