package lro_test

// Guarantees 4 (bad input is refused), 5 (no credential leaks) and 6
// (eventual consistency), over loopback (lrotest) and httpmock.

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

// relSecrets are the credentials the tests send; none may reach another
// host or a token.
var relSecrets = http.Header{
	"Authorization":       {"Bearer s3cret-auth"},
	"Cookie":              {"session=s3cret-cookie"},
	"Proxy-Authorization": {"Basic s3cret-proxy"},
}

// relLeaked returns the credential headers of h, in any case.
func relLeaked(h http.Header) []string {
	var got []string
	for k, v := range h {
		for _, c := range [...]string{"Authorization", "Cookie", "Proxy-Authorization"} {
			if strings.EqualFold(k, c) {
				got = append(got, k+": "+strings.Join(v, ","))
			}
		}
	}
	return got
}

// TestGuaranteeCredentials: Authorization, Cookie and Proxy-Authorization
// reach the original host (and hosts the user trusts) only: not a monitor,
// Location hop, resourceLocation or redirect on another host, whatever the
// case of the header's name.
func TestGuaranteeCredentials(t *testing.T) {
	t.Parallel()
	// 127.0.0.1 is the original host; "localhost" names the same server
	// as another host (lrotest's MonitorHost).
	tests := []struct {
		name      string
		method    string
		sc        func(srv *lrotest.Server) lrotest.Scenario
		lowercase bool     // send the credentials under lowercase keys
		trusted   []string // WithTrustedHosts
		wantBody  string
	}{
		{name: "monitor on another host", method: http.MethodPut,
			sc: func(*lrotest.Server) lrotest.Scenario {
				return lrotest.Scenario{Polls: 1, MonitorHost: "localhost"}
			}, wantBody: "Succeeded"},
		{name: "monitor on another host, lowercase header keys", method: http.MethodPut, lowercase: true,
			sc: func(*lrotest.Server) lrotest.Scenario {
				return lrotest.Scenario{Polls: 1, MonitorHost: "localhost"}
			}, wantBody: "Succeeded"},
		{name: "Location hops on another host", method: http.MethodPost,
			sc: func(*lrotest.Server) lrotest.Scenario {
				return lrotest.Scenario{Protocol: lrotest.Location, LocationHops: true, Polls: 2, MonitorHost: "localhost"}
			}, wantBody: "done"},
		{name: "resourceLocation on another host", method: http.MethodPost,
			sc: func(*lrotest.Server) lrotest.Scenario {
				return lrotest.Scenario{ResourceLocation: true, MonitorHost: "localhost"}
			}, wantBody: "done"},
		{name: "Location result on another host", method: http.MethodPost,
			sc: func(*lrotest.Server) lrotest.Scenario {
				return lrotest.Scenario{WithLocation: true, MonitorHost: "localhost"}
			}, wantBody: "done"},
		{name: "poll redirected to another host", method: http.MethodPut,
			sc: func(srv *lrotest.Server) lrotest.Scenario {
				_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
				// op ids count from 1 per server; this test starts one op.
				return lrotest.Scenario{Faults: []lrotest.Fault{{Redirect: "http://localhost:" + port + "/operations/op1"}}}
			}, wantBody: "Succeeded"},
		{name: "final GET redirected to another host", method: http.MethodPut,
			sc: func(srv *lrotest.Server) lrotest.Scenario {
				_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
				return lrotest.Scenario{Faults: []lrotest.Fault{{Step: lrotest.Final, Redirect: "http://localhost:" + port + "/resources/op1"}}}
			}, wantBody: "Succeeded"},
		{name: "trusted host gets them", method: http.MethodPut, trusted: []string{"LOCALHOST"},
			sc: func(*lrotest.Server) lrotest.Scenario {
				return lrotest.Scenario{Polls: 1, MonitorHost: "localhost"}
			}, wantBody: "Succeeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := relServer(t)
			tr := lro.New(relHTTP(t), relFast(lro.WithTrustedHosts(tc.trusted...))...)
			u := srv.Start(tc.sc(srv))
			h := http.Header{}
			for k, v := range relSecrets {
				if tc.lowercase {
					k = strings.ToLower(k)
				}
				h[k] = v
			}
			status, body, err := relDo(context.Background(), tr, tc.method, u, h)
			if err != nil || status != 200 || !strings.Contains(body, tc.wantBody) {
				t.Fatalf("got %d %q %v, want 200 with %q", status, body, err, tc.wantBody)
			}
			var foreign, home int
			for _, r := range srv.Requests(u) {
				leaked := relLeaked(r.Header)
				switch host, _, _ := strings.Cut(r.Host, ":"); {
				case host == "127.0.0.1":
					home++
					if len(leaked) != 3 {
						t.Errorf("%s %s on the original host carries %v, want the 3 credentials", r.Method, r.URL, leaked)
					}
				case len(tc.trusted) > 0:
					foreign++
					if len(leaked) != 3 {
						t.Errorf("%s %s on a trusted host carries %v, want the 3 credentials", r.Method, r.URL, leaked)
					}
				default:
					foreign++
					if len(leaked) != 0 {
						t.Errorf("%s %s%s leaked %v", r.Method, r.Host, r.URL, leaked)
					}
				}
			}
			if foreign == 0 || home == 0 {
				t.Fatalf("%d requests on the original host, %d on another: the test proves nothing", home, foreign)
			}
		})
	}
}

// TestGuaranteeRefusedURLs: https→http downgrades (in a monitor or a
// redirect) and non-http(s) schemes are refused with ErrInvalidURL and a
// token; nothing is sent to them.
func TestGuaranteeRefusedURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		sc    func(tlsSrv, plain *lrotest.Server) lrotest.Scenario
		token bool // the error carries a token (the operation started)
	}{
		// Refused at the start: no strategy applies to a POST whose only
		// monitor is refused, so no operation starts and there is no token.
		{"monitor downgrades https to http", func(_, plain *lrotest.Server) lrotest.Scenario {
			return lrotest.Scenario{MonitorServer: plain}
		}, false},
		{"poll redirect downgrades https to http", func(_, plain *lrotest.Server) lrotest.Scenario {
			return lrotest.Scenario{Faults: []lrotest.Fault{{Redirect: plain.URL + "/operations/op1"}}}
		}, true},
		{"poll redirect to file:", func(_, _ *lrotest.Server) lrotest.Scenario {
			return lrotest.Scenario{Faults: []lrotest.Fault{{Redirect: "file:///etc/passwd"}}}
		}, true},
		{"final GET redirect to ftp:", func(_, _ *lrotest.Server) lrotest.Scenario {
			return lrotest.Scenario{WithLocation: true, Faults: []lrotest.Fault{{Step: lrotest.Final, Redirect: "ftp://127.0.0.1/x"}}}
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tlsSrv := lrotest.NewTLSServer()
			t.Cleanup(tlsSrv.Close)
			plain := relServer(t)
			base := tlsSrv.Client().Transport.(*http.Transport).Clone()
			t.Cleanup(base.CloseIdleConnections)
			counter := &relCounter{base: base}
			tr := lro.New(counter, relFast()...)
			u := tlsSrv.Start(tc.sc(tlsSrv, plain))
			_, _, err := relDo(context.Background(), tr, http.MethodPost, u, relSecrets)
			if !errors.Is(err, lro.ErrInvalidURL) {
				t.Fatalf("err = %v, want ErrInvalidURL", err)
			}
			if _, ok := lro.TokenFromError(err); ok != tc.token {
				t.Fatalf("token carried = %v, want %v (err %v)", ok, tc.token, err)
			}
			plainHost := strings.TrimPrefix(plain.URL, "http://")
			for _, r := range tlsSrv.Requests(u) {
				if r.Host == plainHost {
					t.Errorf("%s %s sent to the plain-http server", r.Method, r.URL)
				}
			}
			if n := counter.open(); n != 0 {
				t.Errorf("%d response bodies left open", n)
			}
		})
	}
}

// TestGuaranteeTokenHasNoSecret: a token holds URLs, method, strategy and
// status, never a header, cookie or the userinfo of a URL.
func TestGuaranteeTokenHasNoSecret(t *testing.T) {
	t.Parallel()
	srv := relServer(t)
	tr := lro.New(relHTTP(t), relFast(lro.WithMaxWait(50*time.Millisecond))...)
	u, _ := url.Parse(srv.Start(lrotest.Scenario{Polls: -1}))
	u.User = url.UserPassword("user", "s3cret-userinfo")
	_, _, err := relDo(context.Background(), tr, http.MethodPut, u.String(), relSecrets)
	tok, ok := lro.TokenFromError(err)
	if !ok {
		t.Fatalf("err = %v carries no token", err)
	}
	raw, derr := base64.RawURLEncoding.DecodeString(tok)
	if derr != nil {
		t.Fatal(derr)
	}
	if strings.Contains(string(raw), "s3cret") {
		t.Errorf("token holds a secret: %s", raw)
	}
}

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
		if body.n > limit+1+4096 { // readUpTo reads in chunks no larger than what is left
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
