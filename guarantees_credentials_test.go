package lro_test

// Guarantee 5 (no credential leaks), over loopback (lrotest).

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
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
			counter := &lrotest.Recorder{Base: base}
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
			if err := counter.CheckBodies(); err != nil {
				t.Error(err)
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
