package lro

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
)

type hostCase struct {
	host, domain string
	want         bool
}

// readHostCases reads the table of the host rule that strategies.HostUnder
// is tested with.
func readHostCases(t *testing.T) []hostCase {
	t.Helper()
	f, err := os.Open("strategies/testdata/hostunder.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []hostCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var c hostCase
		if _, err := fmt.Sscanf(line, "%q %q %t", &c.host, &c.domain, &c.want); err != nil {
			t.Fatalf("hostunder.txt:%d: %v", n, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// hostURL is an https URL whose Hostname is host (an IPv6 literal goes in
// brackets), or false when no URL has that Hostname.
func hostURL(host string) (*url.URL, bool) {
	h := host
	if strings.Contains(h, ":") && !strings.HasPrefix(h, "[") {
		h = "[" + h + "]"
	}
	u := &url.URL{Scheme: "https", Host: h, Path: "/op"}
	return u, strings.Trim(u.Hostname(), "[]") == strings.Trim(host, "[]")
}

// TestHostRule: the headers of the original request go where the host rule
// (strategies.HostUnder) says, whether the domain is the original host or
// one of WithTrustedHosts, and the URL policy exempts the original host and
// WithAllowedHosts names by the same rule.
func TestHostRule(t *testing.T) {
	t.Parallel()
	for _, tc := range readHostCases(t) {
		u, _ := hostURL(tc.host)
		other := &origin{url: &url.URL{Scheme: "https", Host: "origin.invalid"}}
		c := &config{trustedHosts: []string{tc.domain}}
		if got := c.trusted(other, u); got != tc.want {
			t.Errorf("WithTrustedHosts(%q): trusted(%q) = %t, want %t", tc.domain, tc.host, got, tc.want)
		}
		// Names of WithAllowedHosts, against hosts that are no address
		// (those go by the entries' prefixes).
		if e, ok := parseAllowEntry(tc.domain); ok && e.name != "" {
			c := &config{allowedHosts: []allowEntry{e}}
			if _, isAddr := hostAddr(tc.host); !isAddr && c.allowedHost(tc.host) != tc.want {
				t.Errorf("WithAllowedHosts(%q): allowedHost(%q) = %t, want %t", tc.domain, tc.host, !tc.want, tc.want)
			}
		}
		ou, ok := hostURL(tc.domain)
		if !ok || tc.domain == "" {
			continue // no original request has this host
		}
		o := &origin{url: ou}
		if got := (&config{}).trusted(o, u); got != tc.want {
			t.Errorf("original host %q: trusted(%q) = %t, want %t", tc.domain, tc.host, got, tc.want)
		}
		if _, known := classifyHost(tc.host); !known {
			if got := (&config{}).needsGuard(o, u); got == tc.want {
				t.Errorf("original host %q: needsGuard(%q) = %t, want %t", tc.domain, tc.host, got, !tc.want)
			}
		}
	}
}
