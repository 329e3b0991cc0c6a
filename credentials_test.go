package lro

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCredentialScope checks which hosts the original request's
// credentials go to, through the request the transport builds for a poll.
func TestCredentialScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		orig, target string
		trusted      []string
		want         bool
	}{
		{"https://svc.example.com/r", "https://svc.example.com/ops", nil, true},
		{"https://svc.example.com/r", "https://SVC.Example.COM/ops", nil, true},
		{"https://svc.example.com/r", "https://svc.example.com:8443/ops", nil, true},
		{"https://svc.example.com/r", "https://a.b.svc.example.com/ops", nil, true},
		{"https://svc.example.com/r", "https://example.com/ops", nil, false},
		{"https://svc.example.com/r", "https://evilsvc.example.com/ops", nil, false},
		{"https://svc.example.com/r", "https://svc.example.com.evil.net/ops", nil, false},
		{"https://svc.example.com/r", "https://monitor.example.net/ops", nil, false},
		{"https://svc.example.com/r", "https://monitor.example.net/ops", []string{"example.net"}, true},
		{"https://svc.example.com/r", "https://monitor.example.net/ops", []string{"MONITOR.example.net"}, true},
		{"https://svc.example.com/r", "https://other.example.net/ops", []string{"monitor.example.net"}, false},
		{"https://svc.example.com/r", "https://notexample.net/ops", []string{"example.net"}, false},
		{"http://127.0.0.1:8080/r", "http://127.0.0.1:9090/ops", nil, true},
		{"http://127.0.0.1:8080/r", "http://localhost:8080/ops", nil, false},
		{"http://[::1]:8080/r", "http://[::1]:9090/ops", nil, true},
		{"http://[::1]:8080/r", "http://[fe80::1]:8080/ops", nil, false},
	}
	for _, tc := range tests {
		orig, _ := url.Parse(tc.orig)
		target, _ := url.Parse(tc.target)
		c := defaultConfig()
		WithTrustedHosts(tc.trusted...).apply(&c)
		h := http.Header{"Authorization": {"Bearer x"}, "Cookie": {"a=b"}, "Proxy-Authorization": {"Basic y"}, "X-Other": {"1"}}
		req := c.newRequest(&origin{url: orig, header: h}, http.MethodGet, target)
		for _, k := range [...]string{"Authorization", "Cookie", "Proxy-Authorization", "X-Other"} {
			if got := req.Header.Get(k) != ""; got != tc.want {
				t.Errorf("%s from %s (trusted %v): %s sent %v, want %v", tc.target, tc.orig, tc.trusted, k, got, tc.want)
			}
		}
		if req.URL.Host != target.Host || req.Host != target.Host || req.Method != http.MethodGet || req.Body != nil {
			t.Errorf("%s: got %s %s (Host %s), want a bodiless GET of the target", tc.target, req.Method, req.URL, req.Host)
		}
	}
}

// TestAPIVersionCarry checks when the original api-version is added to a
// poll URL.
func TestAPIVersionCarry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		orig, target, want string
	}{
		{"https://svc.example.com/r?api-version=1", "https://svc.example.com/ops", "https://svc.example.com/ops?api-version=1"},
		{"https://svc.example.com/r?api-version=1", "https://svc.example.com/ops?x=y", "https://svc.example.com/ops?api-version=1&x=y"},
		{"https://svc.example.com/r?api-version=1", "https://svc.example.com/ops?api-version=2", "https://svc.example.com/ops?api-version=2"},
		{"https://svc.example.com/r?api-version=1", "https://SVC.example.com/ops", "https://SVC.example.com/ops?api-version=1"},
		{"https://svc.example.com/r?api-version=1", "https://ops.svc.example.com/ops", "https://ops.svc.example.com/ops"},
		{"https://svc.example.com/r?api-version=1", "https://svc.example.com:444/ops", "https://svc.example.com:444/ops"},
		{"https://svc.example.com/r?other=1", "https://svc.example.com/ops", "https://svc.example.com/ops"},
		{"https://svc.example.com/r", "https://svc.example.com/ops", "https://svc.example.com/ops"},
		{"https://svc.example.com/r?a=1&api-version=2024-01-01%2B", "https://svc.example.com/ops?z=9&b=x%2Fy&sig=a%3Db",
			"https://svc.example.com/ops?z=9&b=x%2Fy&sig=a%3Db&api-version=2024-01-01%2B"},
	}
	for _, tc := range tests {
		orig, _ := url.Parse(tc.orig)
		target, _ := url.Parse(tc.target)
		c := defaultConfig()
		req := c.newRequest(&origin{url: orig}, http.MethodGet, target)
		if !sameURL(req.URL, tc.want) {
			t.Errorf("poll of %s after %s: got %s, want %s", tc.target, tc.orig, req.URL, tc.want)
		}
		if target.String() != tc.target {
			t.Errorf("newRequest changed its argument to %s", target)
		}
		// The target's own query must survive byte for byte (it may be
		// signed): only "&api-version=…" may be added at its end.
		if got := req.URL.RawQuery; target.RawQuery != "" && !strings.HasPrefix(got, target.RawQuery) {
			t.Errorf("poll of %s: query %q does not keep %q as sent", tc.target, got, target.RawQuery)
		}
	}
}
