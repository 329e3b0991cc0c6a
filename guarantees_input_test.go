package lro_test

// Guarantees 4 (bad input is refused) and 6 (eventual consistency), over
// loopback (lrotest) and httpmock.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

// relMock is a service on one httpmock.MockTransport: a PUT that starts an
// Operation-Location operation on http://svc.test, whose monitor answers
// monitor.
func relMock(t *testing.T, monitor httpmock.Responder) *httpmock.MockTransport {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPut, "http://svc.test/r",
		httpmock.NewStringResponder(201, `{}`).HeaderSet(http.Header{"Operation-Location": {"http://svc.test/op"}}))
	mt.RegisterResponder(http.MethodGet, "http://svc.test/op", monitor)
	mt.RegisterResponder(http.MethodGet, "http://svc.test/r", httpmock.NewStringResponder(200, `{"id":"r"}`))
	return mt
}

// relEndless is a body that never ends, counting what is read of it.
type relEndless struct{ n int64 }

func (e *relEndless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.n += int64(len(p))
	return len(p), nil
}

func (e *relEndless) Close() error { return nil }

// TestGuaranteeBadStatusBodies: invalid or truncated JSON, a missing or
// non-string status and an empty body each end the operation with a clear
// error and a token; a body over the cap too, after reading at most cap+1
// bytes of it.
func TestGuaranteeBadStatusBodies(t *testing.T) {
	t.Parallel()
	const limit = 1 << 10
	tests := []struct {
		name string
		body string
		want error
	}{
		{"invalid JSON", `{"status": Running}`, strategies.ErrInvalidBody},
		{"truncated JSON", `{"status": "Runn`, strategies.ErrInvalidBody},
		{"not an object", `["Succeeded"]`, strategies.ErrInvalidBody},
		{"missing status", `{"state": "Succeeded"}`, strategies.ErrNoStatus},
		{"non-string status", `{"status": 1}`, strategies.ErrNoStatus},
		{"null status", `{"status": null}`, strategies.ErrNoStatus},
		{"empty body", ``, strategies.ErrEmptyBody},
		{"blank body", " \n\t", strategies.ErrEmptyBody},
		{"over the cap", `{"status":"Running","pad":"` + strings.Repeat("x", limit) + `"}`, lro.ErrBodyTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := relMock(t, httpmock.NewStringResponder(200, tc.body))
			tr := lro.New(mt, relFast(lro.WithMaxStatusBody(limit))...)
			_, _, err := relDo(context.Background(), tr, http.MethodPut, "http://svc.test/r", nil)
			var pe *lro.PollError
			if !errors.As(err, &pe) || !errors.Is(err, tc.want) {
				t.Fatalf("err = %T %v, want a *PollError wrapping %v", err, err, tc.want)
			}
			if pe.Token == "" {
				t.Fatal("no token")
			}
		})
	}
	t.Run("endless body over the cap", func(t *testing.T) {
		t.Parallel()
		body := &relEndless{}
		mt := relMock(t, func(req *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: body, ContentLength: -1, Request: req}, nil
		})
		tr := lro.New(mt, relFast(lro.WithMaxStatusBody(limit))...)
		_, _, err := relDo(context.Background(), tr, http.MethodPut, "http://svc.test/r", nil)
		if !errors.Is(err, lro.ErrBodyTooLarge) {
			t.Fatalf("err = %v, want ErrBodyTooLarge", err)
		}
		if body.n > limit+1+4096 { // readInto reads in chunks no larger than what is left
			t.Errorf("read %d bytes of an endless body, cap %d", body.n, limit)
		}
	})
}

// TestGuaranteeLongURLs: 6 KB URLs (Azure's LargeHeader case) and a 6 KB
// request header work; a URL over strategies.MaxURLLength is refused.
func TestGuaranteeLongURLs(t *testing.T) {
	t.Parallel()
	long := func(n int) string {
		return "http://svc.test/op?x=" + strings.Repeat("a", n-len("http://svc.test/op?x="))
	}
	tests := []struct {
		name    string
		monitor string
		wantErr error
	}{
		{"6 KB monitor URL", long(6 << 10), nil},
		{"URL at the limit", long(strategies.MaxURLLength), nil},
		{"URL over the limit", long(strategies.MaxURLLength + 1), lro.ErrInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPut, "http://svc.test/r",
				httpmock.NewStringResponder(201, `{}`).HeaderSet(http.Header{"Operation-Location": {tc.monitor}}))
			var gotHeader int
			mt.RegisterResponder(http.MethodGet, "http://svc.test/op", func(req *http.Request) (*http.Response, error) {
				gotHeader = len(req.Header.Get("X-Large"))
				return httpmock.NewStringResponse(200, `{"status":"Succeeded"}`), nil
			})
			mt.RegisterResponder(http.MethodGet, "http://svc.test/r", httpmock.NewStringResponder(200, `{"id":"r"}`))
			tr := lro.New(mt, relFast()...)
			status, _, err := relDo(context.Background(), tr, http.MethodPut, "http://svc.test/r",
				http.Header{"X-Large": {strings.Repeat("h", 6<<10)}})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if len(err.Error()) > 1024 {
					t.Errorf("error message is %d bytes long", len(err.Error()))
				}
				return
			}
			if err != nil || status != 200 {
				t.Fatalf("got %d %v, want 200", status, err)
			}
			if gotHeader != 6<<10 {
				t.Errorf("poll carried a %d-byte X-Large, want %d", gotHeader, 6<<10)
			}
		})
	}
	t.Run("6 KB URLs over loopback, resumed from a token", func(t *testing.T) {
		t.Parallel()
		srv := relServer(t)
		tr := lro.New(relHTTP(t), relFast(lro.WithMaxRetries(0))...)
		q := "sig=" + strings.Repeat("q", 6<<10)
		u := srv.Start(lrotest.Scenario{Polls: 1, MonitorQuery: q, Faults: []lrotest.Fault{{Status: 500}}})
		_, _, err := relDo(context.Background(), tr, http.MethodPut, u+"?"+q, nil)
		tok, ok := lro.TokenFromError(err)
		if !ok {
			t.Fatalf("err = %v, want one with a token", err)
		}
		resp, err := tr.Resume(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("Resume: %d", resp.StatusCode)
		}
	})
}

// TestGuaranteeNotFoundGrace: a 404 on the first poll, or on polls within
// the grace, means "not visible yet"; a 404 after the grace, after a
// visible answer, or with the grace off is a failure.
func TestGuaranteeNotFoundGrace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answers []int // status of each poll; the last repeats
		grace   time.Duration
		delay   string // Retry-After-Ms of the initial response
		want    int    // 200, or the ResponseError's status
	}{
		{"404 then visible within grace", []int{404, 404, 200}, time.Minute, "", 200},
		{"first poll 404 past the grace", []int{404, 200}, 10 * time.Millisecond, "50", 200},
		{"404 forever past the grace", []int{404}, 30 * time.Millisecond, "", 404},
		{"404 after a visible answer", []int{202, 404}, time.Minute, "", 404},
		{"grace off", []int{404, 200}, 0, "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			h := http.Header{"Operation-Location": {"http://svc.test/op"}}
			if tc.delay != "" {
				h.Set("Retry-After-Ms", tc.delay)
			}
			mt.RegisterResponder(http.MethodPut, "http://svc.test/r", httpmock.NewStringResponder(201, `{}`).HeaderSet(h))
			n := 0
			mt.RegisterResponder(http.MethodGet, "http://svc.test/op", func(*http.Request) (*http.Response, error) {
				code := tc.answers[min(n, len(tc.answers)-1)]
				n++
				body := `{"status":"Succeeded"}`
				if code != 200 {
					body = `{"error":{"code":"` + strconv.Itoa(code) + `"}}`
				}
				return httpmock.NewStringResponse(code, body), nil
			})
			mt.RegisterResponder(http.MethodGet, "http://svc.test/r", httpmock.NewStringResponder(200, `{}`))
			tr := lro.New(mt, relFast(lro.WithNotFoundGrace(tc.grace))...)
			status, _, err := relDo(context.Background(), tr, http.MethodPut, "http://svc.test/r", nil)
			var re *lro.ResponseError
			switch {
			case tc.want == 200 && (err != nil || status != 200):
				t.Fatalf("got %d %v, want 200", status, err)
			case tc.want != 200 && (!errors.As(err, &re) || re.StatusCode != tc.want || re.Token == ""):
				t.Fatalf("err = %v, want a ResponseError %d with a token", err, tc.want)
			}
		})
	}
}

// TestGuaranteeFinalBodyStreams: the per-poll timeout bounds the final GET
// until its headers only; a final body that takes longer to read still
// arrives whole.
func TestGuaranteeFinalBodyStreams(t *testing.T) {
	t.Parallel()
	mt := relMock(t, httpmock.NewStringResponder(200, `{"status":"Succeeded"}`))
	mt.RegisterResponder(http.MethodGet, "http://svc.test/r", func(req *http.Request) (*http.Response, error) {
		pr, pw := io.Pipe()
		go func() {
			for i := range 5 {
				select {
				case <-req.Context().Done():
					pw.CloseWithError(req.Context().Err())
					return
				case <-time.After(30 * time.Millisecond):
				}
				pw.Write([]byte(strconv.Itoa(i)))
			}
			pw.Close()
		}()
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: pr, ContentLength: -1, Request: req}, nil
	})
	tr := lro.New(mt, relFast(lro.WithPollTimeout(50*time.Millisecond))...)
	status, body, err := relDo(context.Background(), tr, http.MethodPut, "http://svc.test/r", nil)
	if err != nil || status != 200 || body != "01234" {
		t.Fatalf("got %d %q %v, want 200 %q", status, body, err, "01234")
	}
}
