package lro

import (
	"net/url"
	"strings"
	"testing"

	"github.com/lrohttp/lro/internal/hosttable"
)

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
	for _, tc := range hosttable.Cases(t) {
		u, _ := hostURL(tc.Host)
		other := &origin{url: &url.URL{Scheme: "https", Host: "origin.invalid"}}
		c := &config{trustedHosts: []string{tc.Domain}}
		if got := c.trusted(other, u); got != tc.Want {
			t.Errorf("WithTrustedHosts(%q): trusted(%q) = %t, want %t", tc.Domain, tc.Host, got, tc.Want)
		}
		// Names of WithAllowedHosts, against hosts that are no address
		// (those go by the entries' prefixes).
		if e, ok := parseAllowEntry(tc.Domain); ok && e.name != "" {
			c := &config{allowedHosts: []allowEntry{e}}
			if _, isAddr := hostAddr(tc.Host); !isAddr && c.allowedHost(tc.Host) != tc.Want {
				t.Errorf("WithAllowedHosts(%q): allowedHost(%q) = %t, want %t", tc.Domain, tc.Host, !tc.Want, tc.Want)
			}
		}
		ou, ok := hostURL(tc.Domain)
		if !ok || tc.Domain == "" {
			continue // no original request has this host
		}
		o := &origin{url: ou}
		if got := (&config{}).trusted(o, u); got != tc.Want {
			t.Errorf("original host %q: trusted(%q) = %t, want %t", tc.Domain, tc.Host, got, tc.Want)
		}
		if _, known := classifyHost(tc.Host); !known {
			if got := (&config{}).needsGuard(o, u); got == tc.Want {
				t.Errorf("original host %q: needsGuard(%q) = %t, want %t", tc.Domain, tc.Host, got, !tc.Want)
			}
		}
	}
}
