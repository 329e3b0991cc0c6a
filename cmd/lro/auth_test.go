package main

import (
	"testing"

	"github.com/lrohttp/lro/internal/hosttable"
)

// TestHostTrusted: --trusted-host goes by the library's host rule, the
// table strategies.HostUnder is tested with.
func TestHostTrusted(t *testing.T) {
	t.Parallel()
	cases, err := hosttable.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if got := hostTrusted(c.Host, []string{"other.test", c.Domain}); got != c.Want {
			t.Errorf("hostTrusted(%q, [other.test %q]) = %t, want %t", c.Host, c.Domain, got, c.Want)
		}
	}
}
