package lro

import (
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

// TestClassifyHost checks the class a URL's host name gets by itself.
func TestClassifyHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host  string
		want  addrClass
		known bool
	}{
		{"169.254.169.254", classLinkLocal, true},
		{"169.254.0.1", classLinkLocal, true},
		{"169.254.170.2", classLinkLocal, true}, // AWS ECS task metadata
		{"fe80::1", classLinkLocal, true},
		{"fe80::1%eth0", classLinkLocal, true},
		{"febf::1", classLinkLocal, true},
		{"fd00:ec2::254", classLinkLocal, true},
		{"FD00:EC2::254", classLinkLocal, true},
		{"fd00:ec2::23", classLinkLocal, true},
		{"100.100.100.200", classLinkLocal, true},
		{"::ffff:169.254.169.254", classLinkLocal, true},
		{"64:ff9b::a9fe:a9fe", classLinkLocal, true}, // NAT64 of 169.254.169.254
		{"2852039166", classLinkLocal, true},         // 169.254.169.254 as one number
		{"0xa9.0xfe.0xa9.0xfe", classLinkLocal, true},
		{"0251.0376.0251.0376", classLinkLocal, true},
		{"169.254.43518", classLinkLocal, true},
		{"metadata.google.internal", classLinkLocal, true},
		{"METADATA.Google.Internal.", classLinkLocal, true},
		{"metadata", classLinkLocal, true},
		{"metadata.goog", classLinkLocal, true},
		{"instance-data", classLinkLocal, true},
		{"instance-data.ec2.internal", classLinkLocal, true},
		{"metadata.tencentyun.com", classLinkLocal, true},
		{"127.0.0.1", classLoopback, true},
		{"127.1.2.3", classLoopback, true},
		{"::1", classLoopback, true},
		{"0.0.0.0", classLoopback, true},
		{"::", classLoopback, true},
		{"0", classLoopback, true},
		{"0x7f000001", classLoopback, true},
		{"localhost", classLoopback, true},
		{"LocalHost.", classLoopback, true},
		{"a.localhost", classLoopback, true},
		{"10.0.0.1", classPrivate, true},
		{"172.16.5.4", classPrivate, true},
		{"172.31.255.255", classPrivate, true},
		{"192.168.1.1", classPrivate, true},
		{"100.64.0.1", classPrivate, true},
		{"fc00::1", classPrivate, true},
		{"fd12:3456::1", classPrivate, true},
		{"::ffff:10.1.2.3", classPrivate, true},
		{"172.32.0.1", classPublic, true},
		{"8.8.8.8", classPublic, true},
		{"2001:db8::1", classPublic, true},
		{"100.128.0.1", classPublic, true},
		{"svc.example.com", classPublic, false},
		{"metadata.google.internal.evil.com", classPublic, false},
		{"notlocalhost", classPublic, false},
		{"deadbeef", classPublic, false},
		{"1.2.3.4.5", classPublic, false},
		{"0x", classLoopback, true},
		{"256.1.1.1", classPublic, false},
		{"1.2.3.256", classPublic, false},
		{"08.1.1.1", classPublic, false}, // not octal: a name to C resolvers too
	}
	for _, tc := range tests {
		got, known := classifyHost(tc.host)
		if got != tc.want || known != tc.known {
			t.Errorf("classifyHost(%q) = %v, %v; want %v, %v", tc.host, got, known, tc.want, tc.known)
		}
	}
}

// TestURLPolicy checks checkURL's verdict on a target named by a response
// to a request sent to origin.
func TestURLPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, origin, target string
		allowed              []string
		wantForbidden        bool
	}{
		// Link-local and metadata targets: refused from any other origin.
		{"IPv4 metadata from public", "https://svc.example.com/r", "https://169.254.169.254/latest", nil, true},
		{"IPv4 metadata from http", "http://svc.example.com/r", "http://169.254.169.254/latest", nil, true},
		{"IPv6 metadata from public", "http://svc.example.com/r", "http://[fd00:ec2::254]/latest", nil, true},
		{"IPv6 link-local", "https://svc.example.com/r", "https://[fe80::1%25eth0]/x", nil, true},
		{"DNS metadata name", "https://svc.example.com/r", "https://metadata.google.internal/computeMetadata/v1/", nil, true},
		{"DNS metadata name, trailing dot", "http://svc.example.com/r", "http://metadata.google.internal./x", nil, true},
		{"Alibaba metadata", "http://svc.example.com/r", "http://100.100.100.200/latest/meta-data", nil, true},
		{"metadata as a number", "http://svc.example.com/r", "http://2852039166/latest", nil, true},
		{"metadata from private origin", "http://10.0.0.5/r", "http://169.254.169.254/latest", nil, true},
		{"metadata from loopback origin", "http://127.0.0.1:8080/r", "http://169.254.169.254/latest", nil, true},
		{"link-local from link-local origin", "http://169.254.1.1/r", "http://169.254.1.2/ops", nil, false},
		{"metadata allowed by address", "http://svc.example.com/r", "http://169.254.169.254/x", []string{"169.254.169.254"}, false},
		{"metadata allowed by prefix", "http://svc.example.com/r", "http://169.254.169.254/x", []string{"169.254.0.0/16"}, false},
		{"metadata name allowed", "http://svc.example.com/r", "http://metadata.google.internal/x", []string{"Metadata.Google.Internal"}, false},
		{"IPv6 allowed in brackets", "http://svc.example.com/r", "http://[fd00:ec2::254]/x", []string{"[fd00:ec2::254]"}, false},
		{"other prefix does not allow", "http://svc.example.com/r", "http://169.254.169.254/x", []string{"10.0.0.0/8"}, true},
		// Loopback targets: only from loopback origins.
		{"loopback from public", "https://svc.example.com/r", "https://127.0.0.1/ops", nil, true},
		{"localhost from public", "https://svc.example.com/r", "https://localhost:8443/ops", nil, true},
		{"IPv6 loopback from public", "https://svc.example.com/r", "https://[::1]/ops", nil, true},
		{"0.0.0.0 from public", "http://svc.example.com/r", "http://0.0.0.0:8080/ops", nil, true},
		{"loopback from private", "http://10.0.0.5/r", "http://127.0.0.1/ops", nil, true},
		{"loopback from loopback", "http://127.0.0.1:8080/r", "http://127.0.0.1:9090/ops", nil, false},
		{"localhost from loopback", "http://127.0.0.1:8080/r", "http://localhost:9090/ops", nil, false},
		{"IPv6 loopback from IPv4 loopback", "http://127.0.0.1:8080/r", "http://[::1]:9090/ops", nil, false},
		{"loopback allowed", "https://svc.example.com/r", "https://127.0.0.1/ops", []string{"127.0.0.0/8"}, false},
		{"localhost allowed by name", "https://svc.example.com/r", "https://localhost/ops", []string{"localhost"}, false},
		// Private targets: from private or loopback origins.
		{"RFC 1918 from public", "https://svc.example.com/r", "https://10.1.2.3/ops", nil, true},
		{"192.168 from public", "http://svc.example.com/r", "http://192.168.0.10/ops", nil, true},
		{"172.16/12 from public", "http://8.8.8.8/r", "http://172.20.0.1/ops", nil, true},
		{"ULA from public", "https://svc.example.com/r", "https://[fd12::1]/ops", nil, true},
		{"shared space from public", "https://svc.example.com/r", "https://100.64.1.1/ops", nil, true},
		{"private from private", "http://10.0.0.5/r", "http://10.0.0.6/ops", nil, false},
		{"private from other private range", "http://192.168.1.5/r", "http://10.0.0.6/ops", nil, false},
		{"ULA from private", "http://10.0.0.5/r", "http://[fd00::6]/ops", nil, false},
		{"private from loopback", "http://127.0.0.1/r", "http://10.0.0.6/ops", nil, false},
		{"private allowed by prefix", "https://svc.example.com/r", "https://10.1.2.3/ops", []string{"10.0.0.0/8"}, false},
		{"private allowed by address", "https://svc.example.com/r", "https://10.1.2.3/ops", []string{"10.1.2.3"}, false},
		// Public targets and names are not refused by their URL.
		{"public from private", "http://10.0.0.5/r", "http://8.8.8.8/ops", nil, false},
		{"name from public", "https://svc.example.com/r", "https://monitor.example.net/ops", nil, false},
		{"name from loopback", "http://127.0.0.1/r", "http://monitor.example.net/ops", nil, false},
		{"metadata lookalike name", "https://svc.example.com/r", "https://metadata.google.internal.example.com/x", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := defaultConfig()
			WithAllowedHosts(tc.allowed...).apply(&c)
			ou, _ := url.Parse(tc.origin)
			tu, err := url.Parse(tc.target)
			if err != nil {
				t.Fatalf("parse %q: %v", tc.target, err)
			}
			err = c.checkURL(&origin{url: ou}, tu, "Operation-Location")
			if got := errors.Is(err, ErrForbiddenURL); got != tc.wantForbidden {
				t.Fatalf("checkURL(%s from %s, allowed %v) = %v; want forbidden %v", tc.target, tc.origin, tc.allowed, err, tc.wantForbidden)
			}
			if err == nil {
				return
			}
			var fe *ForbiddenURLError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("error %v (%T) is not a *ForbiddenURLError wrapping ErrInvalidURL", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "lro: ") || strings.Count(msg, "lro:") != 1 {
				t.Errorf("error %q: want exactly one leading \"lro:\"", msg)
			}
			if !strings.Contains(msg, "Operation-Location") || !strings.Contains(msg, tu.Redacted()) {
				t.Errorf("error %q does not name the header and the URL %s", msg, tu.Redacted())
			}
		})
	}
}

// TestForeignHeaders checks which headers of the original request go to a
// host that is not trusted, and which go to the origin.
func TestForeignHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{
		"Authorization":             {"Bearer s3cret"},
		"Cookie":                    {"a=s3cret"},
		"Proxy-Authorization":       {"Basic s3cret"},
		"Api-Key":                   {"s3cret"},
		"Ocp-Apim-Subscription-Key": {"s3cret"},
		"X-Api-Key":                 {"s3cret"},
		"X-Auth-Token":              {"s3cret"},
		"X-Goog-Api-Key":            {"s3cret"},
		"X-Amz-Security-Token":      {"s3cret"},
		"x-functions-key":           {"s3cret"}, // not canonical: sent as is
		"X-Custom":                  {"1"},
		"Accept":                    {"application/json"},
		"accept-language":           {"en"},
		"User-Agent":                {"app/1"},
		"Traceparent":               {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		"Tracestate":                {"k=v"},
		"Baggage":                   {"a=b"},
		"X-Ms-Client-Request-Id":    {"id1"},
		"X-Request-Id":              {"id2"},
		"Content-Type":              {"application/json"},
	}
	safe := []string{"Accept", "accept-language", "User-Agent", "Traceparent", "Tracestate", "Baggage", "X-Ms-Client-Request-Id", "X-Request-Id"}
	tests := []struct {
		name   string
		target string
		opts   []Option
		want   []string // the headers sent; Content-Type never is
	}{
		{"origin gets all", "https://svc.example.com/ops", nil,
			[]string{"Authorization", "Cookie", "Proxy-Authorization", "Api-Key", "Ocp-Apim-Subscription-Key", "X-Api-Key", "X-Auth-Token",
				"X-Goog-Api-Key", "X-Amz-Security-Token", "x-functions-key", "X-Custom", "Accept", "accept-language", "User-Agent",
				"Traceparent", "Tracestate", "Baggage", "X-Ms-Client-Request-Id", "X-Request-Id"}},
		{"subdomain gets all", "https://ops.svc.example.com/ops", nil,
			[]string{"Authorization", "Cookie", "Proxy-Authorization", "Api-Key", "Ocp-Apim-Subscription-Key", "X-Api-Key", "X-Auth-Token",
				"X-Goog-Api-Key", "X-Amz-Security-Token", "x-functions-key", "X-Custom", "Accept", "accept-language", "User-Agent",
				"Traceparent", "Tracestate", "Baggage", "X-Ms-Client-Request-Id", "X-Request-Id"}},
		{"foreign host gets the safe ones", "https://monitor.example.net/ops", nil, safe},
		{"trusted host gets all", "https://monitor.example.net/ops", []Option{WithTrustedHosts("example.net")},
			[]string{"Authorization", "Cookie", "Proxy-Authorization", "Api-Key", "Ocp-Apim-Subscription-Key", "X-Api-Key", "X-Auth-Token",
				"X-Goog-Api-Key", "X-Amz-Security-Token", "x-functions-key", "X-Custom", "Accept", "accept-language", "User-Agent",
				"Traceparent", "Tracestate", "Baggage", "X-Ms-Client-Request-Id", "X-Request-Id"}},
		{"WithSafeHeaders adds", "https://monitor.example.net/ops", []Option{WithSafeHeaders("x-custom")},
			append([]string{"X-Custom"}, safe...)},
		{"WithSensitiveHeaders removes", "https://monitor.example.net/ops", []Option{WithSensitiveHeaders("user-agent", "X-REQUEST-ID")},
			[]string{"Accept", "accept-language", "Traceparent", "Tracestate", "Baggage", "X-Ms-Client-Request-Id"}},
		{"sensitive beats safe", "https://monitor.example.net/ops", []Option{WithSafeHeaders("X-Custom"), WithSensitiveHeaders("X-Custom")}, safe},
		{"sensitive still goes to the origin", "https://svc.example.com/ops", []Option{WithSensitiveHeaders("User-Agent")},
			[]string{"Authorization", "Cookie", "Proxy-Authorization", "Api-Key", "Ocp-Apim-Subscription-Key", "X-Api-Key", "X-Auth-Token",
				"X-Goog-Api-Key", "X-Amz-Security-Token", "x-functions-key", "X-Custom", "Accept", "accept-language", "User-Agent",
				"Traceparent", "Tracestate", "Baggage", "X-Ms-Client-Request-Id", "X-Request-Id"}},
		{"allowed host is not trusted", "https://monitor.example.net/ops", []Option{WithAllowedHosts("monitor.example.net")}, safe},
	}
	orig, _ := url.Parse("https://svc.example.com/r")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := defaultConfig()
			for _, o := range tc.opts {
				o.apply(&c)
			}
			target, _ := url.Parse(tc.target)
			req := c.newRequest(&origin{url: orig, header: h}, http.MethodGet, target)
			var got []string
			for k := range req.Header {
				got = append(got, k)
			}
			if !sameSet(got, tc.want) {
				t.Errorf("headers sent to %s = %v, want %v", tc.target, got, tc.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestCheckToken checks that a token's URLs obey the URL policy.
func TestCheckToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		op      strategies.Operation
		allowed []string
		wantErr bool
	}{
		{"public poll", strategies.Operation{URL: "https://svc.example.com/r", PollURL: "https://svc.example.com/ops/1"}, nil, false},
		{"loopback origin and poll", strategies.Operation{URL: "http://127.0.0.1:1/r", PollURL: "http://localhost:2/ops/1"}, nil, false},
		{"metadata poll", strategies.Operation{URL: "https://svc.example.com/r", PollURL: "http://169.254.169.254/latest"}, nil, true},
		{"metadata location", strategies.Operation{URL: "https://svc.example.com/r", PollURL: "https://svc.example.com/ops/1", Location: "http://[fd00:ec2::254]/x"}, nil, true},
		{"private result", strategies.Operation{URL: "https://svc.example.com/r", PollURL: "https://svc.example.com/ops/1", ResultURL: "https://10.0.0.1/x"}, nil, true},
		{"metadata origin", strategies.Operation{URL: "http://169.254.169.254/r", PollURL: "http://169.254.169.254/x"}, nil, true},
		{"metadata name origin", strategies.Operation{URL: "http://metadata.google.internal/r"}, nil, true},
		{"metadata allowed", strategies.Operation{URL: "http://169.254.169.254/r", PollURL: "http://169.254.169.254/x"}, []string{"169.254.169.254"}, false},
		{"private from private", strategies.Operation{URL: "http://10.0.0.1/r", PollURL: "http://10.0.0.2/x"}, nil, false},
	}
	for _, tc := range tests {
		c := defaultConfig()
		WithAllowedHosts(tc.allowed...).apply(&c)
		err := c.checkToken(&tc.op)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: checkToken = %v, want error %v", tc.name, err, tc.wantErr)
		}
		if err != nil && (!errors.Is(err, ErrForbiddenURL) || !errors.Is(err, ErrInvalidToken) || strings.Count(err.Error(), "lro:") != 1) {
			t.Errorf("%s: error %q does not wrap ErrForbiddenURL and ErrInvalidToken with one prefix", tc.name, err)
		}
	}
}

// FuzzURLPolicy feeds arbitrary origins and targets to the URL policy. It
// must never panic, and its verdict must agree with the class of any
// address the target's host parses as.
func FuzzURLPolicy(f *testing.F) {
	for _, s := range [][2]string{
		{"https://svc.example.com/r", "https://169.254.169.254/latest"},
		{"http://127.0.0.1:8080/r", "http://[::1]:9/x"},
		{"http://10.0.0.1/r", "http://[fe80::1%25eth0]/x"},
		{"https://a.example/r", "http://0xa9.0xfe.0xa9.0xfe/"},
		{"https://a.example/r", "http://metadata.google.internal./x"},
		{"https://a.example/r", "http://[::ffff:10.0.0.1]/x"},
		{"https://a.example/r", "http://2852039166/"},
		{"http://[fd00::1]/r", "http://100.64.0.1/"},
	} {
		f.Add(s[0], s[1], "")
	}
	f.Add("https://a.example/r", "http://10.1.2.3/", "10.0.0.0/8")
	f.Fuzz(func(t *testing.T, origURL, target, allow string) {
		ou, err := url.Parse(origURL)
		if err != nil {
			return
		}
		tu, err := url.Parse(target)
		if err != nil {
			return
		}
		c := defaultConfig()
		WithAllowedHosts(strings.Split(allow, ",")...).apply(&c)
		o := &origin{url: ou}
		err = c.checkTarget(o, tu, "Operation-Location")
		host := tu.Hostname()
		a, isAddr := hostAddr(host)
		switch {
		case err != nil:
			var fe *ForbiddenURLError
			if !errors.As(err, &fe) || !errors.Is(err, ErrForbiddenURL) || !strings.HasPrefix(err.Error(), "lro: ") {
				t.Fatalf("checkTarget error %v (%T) is not a ForbiddenURLError", err, err)
			}
			if c.allowedHost(host) {
				t.Fatalf("%q refused though allowed by %q", target, allow)
			}
			cls, known := classifyHost(host)
			if !known || cls == classPublic {
				t.Fatalf("%q refused though its host is public or unknown", target)
			}
		case isAddr && !c.allowedAddr(a):
			if cls := classifyAddr(a); !permits(o.originClass(), cls) {
				t.Fatalf("%q (%v, %v) accepted from %q (%v)", target, a, cls, origURL, o.originClass())
			}
		}
		if isAddr && classifyAddr(a) != classifyAddr(netip.AddrFrom16(a.As16())) {
			t.Fatalf("class of %v differs from its IPv4-mapped form", a)
		}
		// The policy's own view of addresses must be stable under
		// formatting: the address, printed, classifies the same.
		if isAddr {
			b, err := netip.ParseAddr(a.String())
			if err != nil || classifyAddr(b) != classifyAddr(a) {
				t.Fatalf("%v reparsed as %v (%v)", a, b, err)
			}
		}
		_ = c.needsGuard(o, tu)
	})
}
