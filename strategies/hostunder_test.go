package strategies

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lrohttp/lro/internal/hosttable"
)

// TestHostUnder holds the host rule, and MatchHost and OnHosts to it.
func TestHostUnder(t *testing.T) {
	t.Parallel()
	for _, tc := range hosttable.Cases(t) {
		if got := HostUnder(tc.Host, tc.Domain); got != tc.Want {
			t.Errorf("HostUnder(%q, %q) = %t, want %t", tc.Host, tc.Domain, got, tc.Want)
		}
		if got := MatchHost(tc.Domain, tc.Host); got != tc.Want {
			t.Errorf("MatchHost(%q, %q) = %t, want %t", tc.Domain, tc.Host, got, tc.Want)
		}
		u := &url.URL{Scheme: "https", Host: tc.Host + ":8443", Path: "/x"}
		if strings.Contains(tc.Host, ":") {
			u.Host = "[" + tc.Host + "]:8443"
		}
		if u.Hostname() != tc.Host {
			t.Fatalf("test bug: %q has Hostname %q", u.Host, u.Hostname())
		}
		if got := OnHosts(any202{}, tc.Domain).Applies("POST", u, 202, nil); got != tc.Want {
			t.Errorf("OnHosts(%q) applies to %s: %t, want %t", tc.Domain, u, got, tc.Want)
		}
	}
}

// oldHostUnder is HostUnder before the host rule was one: it ignored a
// trailing dot but let IP literals have "subdomains".
func oldHostUnder(host, domain string) bool {
	host, domain = trimDot(host), trimDot(domain)
	if domain == "" || len(host) < len(domain) {
		return false
	}
	tail := host[len(host)-len(domain):]
	if !equalFoldASCII(tail, domain) {
		return false
	}
	return len(host) == len(domain) || host[len(host)-len(domain)-1] == '.'
}

// oldRootTrusted is the root package's rule for credentials before it used
// HostUnder: asciiLower and isDomainOrSubdomain, which kept the trailing dot.
func oldRootTrusted(sub, parent string) bool {
	lower := func(s string) string {
		return strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' {
				return r + ('a' - 'A')
			}
			return r
		}, s)
	}
	sub, parent = lower(sub), lower(parent)
	if sub == parent {
		return true
	}
	if strings.ContainsAny(sub, ":") || parent == "" {
		return false
	}
	return strings.HasSuffix(sub, parent) && sub[len(sub)-len(parent)-1] == '.'
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// FuzzHostUnder compares HostUnder with the two rules it replaced, where
// they were meant to agree, and checks the rule's invariants.
func FuzzHostUnder(f *testing.F) {
	f.Add("api.example.com", "example.com")
	f.Add("evil-example.com", "example.com")
	f.Add("example.com.", "example.com")
	f.Add("fe80::1%eth0.example.com", "example.com")
	f.Add("1.2.3.4", "3.4")
	f.Add("::1", "[::1]")
	f.Fuzz(func(t *testing.T, host, domain string) {
		got := HostUnder(host, domain)
		addr := isAddress(trimDot(host))
		bracketed := strings.HasPrefix(domain, "[")
		if old := oldHostUnder(host, domain); got != old && !(addr && old) && !bracketed {
			t.Errorf("HostUnder(%q, %q) = %t, the old HostUnder %t", host, domain, got, old)
		}
		if got && !oldHostUnder(host, domain) && !bracketed {
			t.Errorf("HostUnder(%q, %q) = true where the old HostUnder was stricter", host, domain)
		}
		plain := host != "" && !strings.HasSuffix(host, ".") && !strings.HasSuffix(domain, ".") &&
			!addr && !bracketed && utf8.ValidString(host) && utf8.ValidString(domain)
		if old := oldRootTrusted(host, domain); plain && got != old {
			t.Errorf("HostUnder(%q, %q) = %t, the old root rule %t", host, domain, got, old)
		}
		if !strings.HasSuffix(host, ".") && HostUnder(host+".", domain) != got {
			t.Errorf("HostUnder(%q, %q) = %t, but with a trailing dot %t", host, domain, got, !got)
		}
		if HostUnder(upperASCII(host), domain) != got || HostUnder(host, upperASCII(domain)) != got {
			t.Errorf("HostUnder(%q, %q) = %t changes with ASCII case", host, domain, got)
		}
		if HostUnder("evil-"+host, host) {
			t.Errorf("HostUnder(%q, %q) = true", "evil-"+host, host)
		}
		if got && !strings.HasSuffix(strings.ToLower(trimDot(host)), strings.ToLower(strings.Trim(trimDot(domain), "[]"))) {
			t.Errorf("HostUnder(%q, %q) = true, but host does not end in domain", host, domain)
		}
	})
}

// Not parallel: AllocsPerRun refuses to run beside parallel tests.
func TestHostUnderAllocations(t *testing.T) {
	for _, tc := range hosttable.Cases(t) {
		if n := testing.AllocsPerRun(50, func() { HostUnder(tc.Host, tc.Domain) }); n != 0 {
			t.Errorf("HostUnder(%q, %q) allocates %v times, want 0", tc.Host, tc.Domain, n)
		}
	}
}
