package main

import (
	"testing"

	"github.com/lrohttp/lro/internal/hosttable"
)

// TestHostTrusted: --trusted-host goes by the library's host rule, the
// table strategies.HostUnder is tested with.
func TestHostTrusted(t *testing.T) {
	t.Parallel()
	for _, c := range hosttable.Cases(t) {
		if got := hostTrusted(c.Host, []string{"other.test", c.Domain}); got != c.Want {
			t.Errorf("hostTrusted(%q, [other.test %q]) = %t, want %t", c.Host, c.Domain, got, c.Want)
		}
	}
}
