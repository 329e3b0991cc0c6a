package lro_test

// The security rules of docs/security.md, end to end: headers sent to
// foreign hosts, where polls may go, and inert resume tokens.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

const secTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

// secFlows are operations that send lro to a host other than the origin
// svc.example.com: a monitor, a resourceLocation and a redirect. Each
// registers its responders on m and returns the request to send.
var secFlows = []struct {
	name string
	set  func(m *httpmock.MockTransport) (method, url string)
}{
	{"monitor on another host", func(m *httpmock.MockTransport) (string, string) {
		m.RegisterResponder("PUT", "https://svc.example.com/r", tkAnswer(201, `{}`, "Operation-Location", "https://monitor.example.net/ops/1"))
		m.RegisterResponder("GET", "https://monitor.example.net/ops/1", tkAnswer(200, `{"status":"Succeeded"}`))
		m.RegisterResponder("GET", "https://svc.example.com/r", tkAnswer(200, `{"done":true}`))
		return "PUT", "https://svc.example.com/r"
	}},
	{"resourceLocation on another host", func(m *httpmock.MockTransport) (string, string) {
		m.RegisterResponder("POST", "https://svc.example.com/r", tkAnswer(202, ``, "Operation-Location", "https://svc.example.com/ops/1"))
		m.RegisterResponder("GET", "https://svc.example.com/ops/1", tkAnswer(200, `{"status":"Succeeded","resourceLocation":"https://results.example.net/r/1"}`))
		m.RegisterResponder("GET", "https://results.example.net/r/1", tkAnswer(200, `{"done":true}`))
		return "POST", "https://svc.example.com/r"
	}},
	{"poll redirected to another host", func(m *httpmock.MockTransport) (string, string) {
		m.RegisterResponder("PUT", "https://svc.example.com/r", tkAnswer(201, `{}`, "Operation-Location", "https://svc.example.com/ops/1"))
		m.RegisterResponder("GET", "https://svc.example.com/ops/1", tkAnswer(307, ``, "Location", "https://monitor.example.net/ops/1"))
		m.RegisterResponder("GET", "https://monitor.example.net/ops/1", tkAnswer(200, `{"status":"Succeeded"}`))
		m.RegisterResponder("GET", "https://svc.example.com/r", tkAnswer(200, `{"done":true}`))
		return "PUT", "https://svc.example.com/r"
	}},
}

// TestSecurityKeyHeaders: each key header reaches the origin but not a
// foreign monitor, resourceLocation or redirect target, while the safe
// traceparent reaches both; WithTrustedHosts and WithSafeHeaders let it go.
func TestSecurityKeyHeaders(t *testing.T) {
	t.Parallel()
	keys := []string{"Authorization", "Cookie", "Proxy-Authorization", "Api-Key", "Ocp-Apim-Subscription-Key",
		"X-Api-Key", "X-Auth-Token", "X-Goog-Api-Key", "X-Amz-Security-Token", "api-key"}
	for _, flow := range secFlows {
		for _, key := range keys {
			for _, mode := range []string{"default", "trusted", "safe"} {
				t.Run(flow.name+"/"+key+"/"+mode, func(t *testing.T) {
					t.Parallel()
					m := httpmock.NewMockTransport()
					method, target := flow.set(m)
					rec := &lrotest.Recorder{Base: m}
					opts := []lro.Option{lro.WithPollInterval(time.Millisecond)}
					switch mode {
					case "trusted":
						opts = append(opts, lro.WithTrustedHosts("example.net"))
					case "safe":
						opts = append(opts, lro.WithSafeHeaders(key))
					}
					tr := lro.New(rec, opts...)
					req := tkReq(t, method, target, `{}`)
					req.Header[key] = []string{"s3cret-" + key} // as is: lowercase stays lowercase
					req.Header.Set("Traceparent", secTraceparent)
					resp, err := (&http.Client{Transport: tr}).Do(req)
					if err != nil {
						t.Fatalf("Do: %v", err)
					}
					if got := tkBody(t, resp); got != `{"done":true}` {
						t.Fatalf("body %q, want the result", got)
					}
					foreignSeen := false
					for _, r := range rec.Sent() {
						foreign := r.URL.Hostname() != "svc.example.com"
						foreignSeen = foreignSeen || foreign
						_, sent := r.Header[key]
						if want := !foreign || mode != "default"; sent != want {
							t.Errorf("%s %s: %s sent %v, want %v", r.Method, r.URL, key, sent, want)
						}
						if r.Header.Get("Traceparent") != secTraceparent {
							t.Errorf("%s %s: traceparent missing", r.Method, r.URL)
						}
					}
					if !foreignSeen {
						t.Fatalf("no request reached the foreign host: %v", rec.Lines())
					}
					if err := rec.CheckBodies(); err != nil {
						t.Error(err)
					}
				})
			}
		}
	}
}

// TestSecurityForbiddenTargets: a server-named URL pointing at a metadata,
// loopback or private address is refused before any request goes there,
// unless the origin is in that range itself or WithAllowedHosts allows it.
func TestSecurityForbiddenTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		origin  string // the initial PUT's URL
		via     string // "monitor", "monitorState" (beside a provisioningState body), "resourceLocation" or "redirect"
		target  string
		allowed []string
		source  string // the header or field the error names; "" means allowed
	}{
		{"IPv4 metadata monitor", "https://svc.example.com/r", "monitor", "https://169.254.169.254/latest/meta-data", nil, "Operation-Location"},
		{"IPv4 metadata monitor over http", "http://svc.example.com/r", "monitor", "http://169.254.169.254/latest/meta-data", nil, "Operation-Location"},
		{"IPv6 metadata monitor", "http://svc.example.com/r", "monitor", "http://[fd00:ec2::254]/latest/meta-data", nil, "Operation-Location"},
		{"DNS metadata monitor", "http://svc.example.com/r", "monitor", "http://metadata.google.internal/computeMetadata/v1/", nil, "Operation-Location"},
		{"metadata resourceLocation", "https://svc.example.com/r", "resourceLocation", "https://169.254.169.254/latest", nil, "result URL"},
		{"IPv6 metadata resourceLocation", "http://svc.example.com/r", "resourceLocation", "http://[fd00:ec2::254]/latest", nil, "result URL"},
		{"DNS metadata resourceLocation", "http://svc.example.com/r", "resourceLocation", "http://metadata.google.internal/x", nil, "result URL"},
		{"metadata redirect", "http://svc.example.com/r", "redirect", "http://169.254.169.254/latest", nil, "redirect Location"},
		{"IPv6 metadata redirect", "http://svc.example.com/r", "redirect", "http://[fd00:ec2::254]/latest", nil, "redirect Location"},
		{"DNS metadata redirect", "http://svc.example.com/r", "redirect", "http://metadata/computeMetadata/v1/", nil, "redirect Location"},
		{"metadata from a private origin", "http://10.0.0.5/r", "monitor", "http://169.254.169.254/latest", nil, "Operation-Location"},
		{"private monitor from public", "https://svc.example.com/r", "monitor", "https://10.0.0.7/ops/1", nil, "Operation-Location"},
		{"ULA resourceLocation from public", "https://svc.example.com/r", "resourceLocation", "https://[fd12::7]/r/1", nil, "result URL"},
		{"loopback redirect from public", "https://svc.example.com/r", "redirect", "https://127.0.0.1/ops/1", nil, "redirect Location"},
		{"localhost monitor from public", "https://svc.example.com/r", "monitor", "https://localhost/ops/1", nil, "Operation-Location"},
		// A refused monitor is not silently replaced by another protocol
		// that the initial body also fits (provisioningState).
		{"metadata monitor beside provisioningState", "https://svc.example.com/r", "monitorState", "https://169.254.169.254/latest/meta-data", nil, "Operation-Location"},
		{"private monitor beside provisioningState", "https://svc.example.com/r", "monitorState", "https://10.0.0.7/ops/1", nil, "Operation-Location"},
		{"private monitor beside provisioningState from private", "http://10.0.0.5/r", "monitorState", "http://10.0.0.7/ops/1", nil, ""},
		{"private monitor from private", "http://10.0.0.5/r", "monitor", "http://10.0.0.7/ops/1", nil, ""},
		{"private resourceLocation from private", "http://192.168.1.5/r", "resourceLocation", "http://10.0.0.7/r/1", nil, ""},
		{"private redirect from private", "http://10.0.0.5/r", "redirect", "http://[fd00::7]/ops/1", nil, ""},
		{"loopback monitor from loopback", "http://127.0.0.1:8080/r", "monitor", "http://localhost:9090/ops/1", nil, ""},
		{"private monitor allowed", "https://svc.example.com/r", "monitor", "https://10.0.0.7/ops/1", []string{"10.0.0.0/8"}, ""},
		{"metadata redirect allowed", "http://svc.example.com/r", "redirect", "http://169.254.169.254/x", []string{"169.254.169.254"}, ""},
		{"metadata name allowed", "http://svc.example.com/r", "resourceLocation", "http://metadata.google.internal/x", []string{"metadata.google.internal"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := httpmock.NewMockTransport()
			var forbiddenHits atomic.Int64
			hit := func(next httpmock.Responder) httpmock.Responder {
				return func(r *http.Request) (*http.Response, error) { forbiddenHits.Add(1); return next(r) }
			}
			ou, _ := url.Parse(tc.origin)
			base := ou.Scheme + "://" + ou.Host
			succeeded := tkAnswer(200, `{"status":"Succeeded"}`)
			m.RegisterResponder("GET", tc.origin, tkAnswer(200, `{"done":true}`))
			switch tc.via {
			case "monitor":
				m.RegisterResponder("PUT", tc.origin, tkAnswer(201, `{}`, "Operation-Location", tc.target))
				m.RegisterResponder("GET", tc.target, hit(succeeded))
			case "monitorState":
				m.RegisterResponder("PUT", tc.origin, tkAnswer(201, `{"properties":{"provisioningState":"Creating"}}`, "Operation-Location", tc.target))
				m.RegisterResponder("GET", tc.target, hit(succeeded))
			case "resourceLocation":
				m.RegisterResponder("PUT", tc.origin, tkAnswer(201, `{}`, "Operation-Location", base+"/ops/1"))
				m.RegisterResponder("GET", base+"/ops/1", tkAnswer(200, `{"status":"Succeeded","resourceLocation":"`+tc.target+`"}`))
				m.RegisterResponder("GET", tc.target, hit(tkAnswer(200, `{"done":true}`)))
			case "redirect":
				m.RegisterResponder("PUT", tc.origin, tkAnswer(201, `{}`, "Operation-Location", base+"/ops/1"))
				m.RegisterResponder("GET", base+"/ops/1", tkAnswer(307, ``, "Location", tc.target))
				m.RegisterResponder("GET", tc.target, hit(succeeded))
			}
			tr := lro.New(m, lro.WithPollInterval(time.Millisecond), lro.WithAllowedHosts(tc.allowed...))
			resp, err := (&http.Client{Transport: tr}).Do(tkReq(t, "PUT", tc.origin, `{}`))
			if tc.source == "" {
				if err != nil {
					t.Fatalf("Do: %v, want the operation to complete", err)
				}
				if got := tkBody(t, resp); got != `{"done":true}` {
					t.Errorf("body %q, want the result", got)
				}
				if forbiddenHits.Load() == 0 {
					t.Errorf("the target %s was never requested", tc.target)
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d, want an error wrapping ErrForbiddenURL", resp.StatusCode)
			}
			var fe *lro.ForbiddenURLError
			if !errors.Is(err, lro.ErrForbiddenURL) || !errors.Is(err, lro.ErrInvalidURL) || !errors.As(err, &fe) {
				t.Fatalf("error %v does not wrap ErrForbiddenURL and ErrInvalidURL as a *ForbiddenURLError", err)
			}
			if n := strings.Count(err.Error(), "lro:"); n != 1 {
				t.Errorf("error %q has %d \"lro:\" prefixes, want 1", err, n)
			}
			if fe.Source != tc.source || !strings.Contains(err.Error(), tc.source) || !strings.Contains(err.Error(), tc.target) {
				t.Errorf("error %q (source %q): want it to name %s and %s", err, fe.Source, tc.source, tc.target)
			}
			if n := forbiddenHits.Load(); n != 0 {
				t.Errorf("%d requests reached %s", n, tc.target)
			}
		})
	}
}

// secToken builds a resume token for op, as lro's token format has it.
func secToken(t *testing.T, op strategies.Operation) string {
	t.Helper()
	opJSON, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(opJSON)
	b, err := json.Marshal(map[string]any{"v": 1, "op": json.RawMessage(opJSON), "sum": hex.EncodeToString(sum[:8])})
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestSecurityTokens: Resume, Poll and Cancel refuse a token that names a
// forbidden URL before sending anything; a token of an allowed host works.
func TestSecurityTokens(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name    string
		op      strategies.Operation
		allowed []string
		wantErr bool
	}{
		{"metadata pollURL", strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "https://svc.example.com/r",
			PollURL: "http://169.254.169.254/latest/meta-data", Status: strategies.InProgress}, nil, true},
		{"IPv6 metadata pollURL", strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "https://svc.example.com/r",
			PollURL: "http://[fd00:ec2::254]/latest", Status: strategies.InProgress}, nil, true},
		{"private resultURL", strategies.Operation{Strategy: "operation-location", Method: "POST", URL: "https://svc.example.com/r",
			PollURL: "https://svc.example.com/ops/1", ResultURL: "https://10.0.0.1/secret", Status: strategies.Succeeded}, nil, true},
		{"metadata origin", strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "http://metadata.google.internal/r",
			PollURL: "http://metadata.google.internal/x", Status: strategies.InProgress}, nil, true},
		{"metadata allowed", strategies.Operation{Strategy: "operation-location", Method: "PUT", URL: "http://svc.example.com/r",
			PollURL: "http://169.254.169.254/ops/1", Status: strategies.InProgress}, []string{"169.254.0.0/16"}, false},
	}
	for _, tc := range ops {
		for _, call := range []string{"Resume", "Poll", "Cancel"} {
			t.Run(tc.name+"/"+call, func(t *testing.T) {
				t.Parallel()
				m := httpmock.NewMockTransport()
				m.RegisterNoResponder(tkAnswer(200, `{"status":"Succeeded"}`))
				tr := lro.New(m, lro.WithAllowedHosts(tc.allowed...))
				tok := secToken(t, tc.op)
				var err error
				switch call {
				case "Resume":
					var resp *http.Response
					if resp, err = tr.Resume(t.Context(), tok); err == nil {
						resp.Body.Close()
					}
				case "Poll":
					var res lro.PollResult
					if res, err = tr.Poll(t.Context(), tok); err == nil && res.Response != nil {
						res.Response.Body.Close()
					}
				case "Cancel":
					err = tr.Cancel(t.Context(), tok)
				}
				if !tc.wantErr {
					if errors.Is(err, lro.ErrForbiddenURL) {
						t.Fatalf("%s: %v, want the allowed token used", call, err)
					}
					if call != "Cancel" && m.GetTotalCallCount() == 0 {
						t.Errorf("%s sent no request (err %v)", call, err)
					}
					return
				}
				if !errors.Is(err, lro.ErrForbiddenURL) || !errors.Is(err, lro.ErrInvalidToken) {
					t.Fatalf("%s: error %v, want one wrapping ErrForbiddenURL and ErrInvalidToken", call, err)
				}
				if n := m.GetTotalCallCount(); n != 0 {
					t.Errorf("%s sent %d requests, want none", call, n)
				}
			})
		}
	}
}

// TestSecurityNoSecretPrinted: neither SlogHooks nor the errors of a failed
// operation print a key header's value.
func TestSecurityNoSecretPrinted(t *testing.T) {
	t.Parallel()
	m := httpmock.NewMockTransport()
	m.RegisterResponder("PUT", "https://svc.example.com/r", tkAnswer(201, `{}`, "Operation-Location", "https://monitor.example.net/ops/1"))
	m.RegisterResponder("GET", "https://monitor.example.net/ops/1", tkSeq(
		tkAnswer(200, `{"status":"Running"}`),
		tkAnswer(200, `{"status":"Failed","error":{"code":"Boom","message":"failed"}}`)))
	var logs bytes.Buffer
	l := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tr := lro.New(m, lro.WithPollInterval(time.Millisecond), lro.WithHooks(lro.SlogHooks(l)), lro.WithSensitiveHeaders("X-Trace"))
	req := tkReq(t, "PUT", "https://svc.example.com/r", `{}`)
	for _, h := range []string{"Authorization", "Api-Key", "Ocp-Apim-Subscription-Key", "X-Trace"} {
		req.Header.Set(h, "s3cret-value")
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("want the failed operation's error")
	}
	var oe *lro.OperationError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v is not an *OperationError", err)
	}
	if logs.Len() == 0 {
		t.Fatal("SlogHooks logged nothing")
	}
	for what, s := range map[string]string{"log": logs.String(), "error": err.Error()} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("%s prints a secret:\n%s", what, s)
		}
	}
}

// secTransport dials srv for every connection. Each connection reports as
// its peer (what httptrace shows lro) remote(the address asked for):
// svc.example.com:80 for the origin, another host or a proxy otherwise.
func secTransport(srv string, remote func(addr string) net.Addr) *http.Transport {
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, srv)
			if err != nil {
				return nil, err
			}
			return remoteConn{c, remote(addr)}, nil
		},
	}
}

type remoteConn struct {
	net.Conn
	remote net.Addr
}

func (c remoteConn) RemoteAddr() net.Addr { return c.remote }

// TestSecurityDialledAddress: a host name whose connection goes to a
// forbidden address is refused (the request is not written on HTTP/1),
// unless allowed; a name dialled to a public address passes. Through a
// proxy, only a link-local address is refused (the proxy's address is all
// lro sees).
func TestSecurityDialledAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		remote    string // the address the monitor's connection reports
		allowed   []string
		forbidden bool
	}{
		{"name resolving to metadata", "169.254.169.254:80", nil, true},
		{"name resolving to IPv6 metadata", "[fd00:ec2::254]:80", nil, true},
		{"name resolving to private", "10.1.2.3:80", nil, true},
		{"name resolving to loopback", "127.0.0.1:80", nil, true},
		{"name resolving to public", "203.0.113.7:80", nil, false},
		{"allowed by prefix", "10.1.2.3:80", []string{"10.0.0.0/8"}, false},
		{"allowed by name", "169.254.169.254:80", []string{"example.net"}, false},
		{"through a proxy on a private address", "10.1.2.3:3128", nil, false},
		{"through a proxy on a link-local address", "169.254.1.1:3128", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var monitorHits atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == "PUT":
					w.Header().Set("Operation-Location", "http://monitor.example.net/ops/1")
					w.WriteHeader(201)
				case r.URL.Path == "/ops/1":
					monitorHits.Add(1)
					io.WriteString(w, `{"status":"Succeeded"}`)
				default:
					io.WriteString(w, `{"done":true}`)
				}
			}))
			t.Cleanup(srv.Close)
			ap, _ := netip.ParseAddrPort(tc.remote)
			base := secTransport(srv.Listener.Addr().String(), func(addr string) net.Addr {
				if addr == "svc.example.com:80" {
					return &net.TCPAddr{IP: net.ParseIP("203.0.113.1"), Port: 80}
				}
				return net.TCPAddrFromAddrPort(ap) // the monitor, or the proxy
			})
			if strings.Contains(tc.name, "proxy") {
				proxy := &url.URL{Scheme: "http", Host: "proxy.example:3128"}
				base.Proxy = func(r *http.Request) (*url.URL, error) {
					if r.URL.Hostname() == "monitor.example.net" {
						return proxy, nil
					}
					return nil, nil
				}
			}
			t.Cleanup(base.CloseIdleConnections)
			tr := lro.New(base, lro.WithPollInterval(time.Millisecond), lro.WithAllowedHosts(tc.allowed...))
			resp, err := (&http.Client{Transport: tr}).Do(tkReq(t, "PUT", "http://svc.example.com/r", `{}`))
			if !tc.forbidden {
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if got := tkBody(t, resp); got != `{"done":true}` {
					t.Errorf("body %q, want the result", got)
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatal("want an error wrapping ErrForbiddenURL")
			}
			var fe *lro.ForbiddenURLError
			if !errors.As(err, &fe) || !errors.Is(err, lro.ErrForbiddenURL) || fe.Addr != ap.Addr().String() {
				t.Fatalf("error %v, want a *ForbiddenURLError naming the dialled %s", err, ap.Addr())
			}
			if n := monitorHits.Load(); n != 0 {
				t.Errorf("the monitor got %d requests, want none (HTTP/1: the connection is closed before writing)", n)
			}
		})
	}
}

// TestSecurityDialledAddressHTTP2: over HTTP/2 the shared connection stays
// open, so the refused request goes out, but its response is thrown away
// and the operation fails with the refusal.
func TestSecurityDialledAddressHTTP2(t *testing.T) {
	t.Parallel()
	var monitorHits, http1 atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http1.Add(1)
		}
		switch {
		case r.Method == "PUT":
			w.Header().Set("Operation-Location", "https://monitor.example.net/ops/1")
			w.WriteHeader(201)
		case r.URL.Path == "/ops/1":
			monitorHits.Add(1)
			io.WriteString(w, `{"status":"Succeeded"}`)
		default:
			io.WriteString(w, `{"done":true}`)
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	base := srv.Client().Transport.(*http.Transport).Clone()
	base.ForceAttemptHTTP2 = true
	base.TLSClientConfig.ServerName = "example.com" // the name httptest's certificate holds
	addr := srv.Listener.Addr().String()
	base.DialContext = func(ctx context.Context, network, to string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		remote := &net.TCPAddr{IP: net.ParseIP("203.0.113.1"), Port: 443}
		if to != "svc.example.com:443" {
			remote = &net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 443}
		}
		return remoteConn{c, remote}, nil
	}
	t.Cleanup(base.CloseIdleConnections)
	tr := lro.New(base, lro.WithPollInterval(time.Millisecond))
	resp, err := (&http.Client{Transport: tr}).Do(tkReq(t, "PUT", "https://svc.example.com/r", `{}`))
	if err == nil {
		resp.Body.Close()
		t.Fatal("want an error wrapping ErrForbiddenURL")
	}
	var fe *lro.ForbiddenURLError
	if !errors.As(err, &fe) || fe.Addr != "10.1.2.3" {
		t.Fatalf("error %v, want a *ForbiddenURLError naming the dialled 10.1.2.3", err)
	}
	if resp != nil {
		t.Errorf("got a response with the error")
	}
	if n := monitorHits.Load(); n > 1 {
		t.Errorf("the monitor got %d requests, want at most the refused one", n)
	}
	if n := http1.Load(); n != 0 {
		t.Errorf("%d requests came over HTTP/1, want all over HTTP/2", n)
	}
}
