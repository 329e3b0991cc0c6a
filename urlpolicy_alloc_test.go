package lro

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// refHostAddr is hostAddr as first written, with netip.ParseAddr first and
// strconv for inet_aton's parts: the reference the allocation-free version
// must agree with.
func refHostAddr(host string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a, true
	}
	s := strings.TrimSuffix(host, ".")
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals [4]uint64
	for i, p := range parts {
		base, digits := 10, p
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		if digits == "" || digits[0] == '+' || digits[0] == '-' {
			return netip.Addr{}, false
		}
		v, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	n := len(parts)
	var ip uint64
	for i := 0; i < n-1; i++ {
		if vals[i] > 0xff {
			return netip.Addr{}, false
		}
		ip |= vals[i] << (24 - 8*i)
	}
	if last := vals[n-1]; last >= 1<<(8*(5-n)) {
		return netip.Addr{}, false
	} else {
		ip |= last
	}
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}

var hostAddrSeeds = []string{
	"169.254.169.254", "fe80::1%eth0", "::ffff:169.254.169.254", "2852039166", "0xa9.0xfe.0xa9.0xfe",
	"0251.0376.0251.0376", "169.254.43518", "0", "0x", "0X", "0x7f000001", "1.2.3.4.5", "256.1.1.1",
	"1.2.3.256", "08.1.1.1", "1.2.3.4.", "1..2", ".", "", "4294967295", "4294967296", "0xffffffff",
	"0x100000000", "037777777777", "040000000000", "+1.2.3.4", "1.-2.3.4", "1_0.0.0.1", "0x_1",
	"svc.test", "deadbeef", "cafe.de", "1.2.3.4%eth0", "[::1]", "00000000000000000000000001",
	"0x0000000000000000000000001", "1.2.3.04", "1.2.3.09", "0.0.0.0.", "1.2.3.4..",
}

func TestHostAddrMatchesReference(t *testing.T) {
	t.Parallel()
	for _, h := range hostAddrSeeds {
		got, gotOK := hostAddr(h)
		want, wantOK := refHostAddr(h)
		if got != want || gotOK != wantOK {
			t.Errorf("hostAddr(%q) = %v, %v; want %v, %v", h, got, gotOK, want, wantOK)
		}
	}
}

func FuzzHostAddr(f *testing.F) {
	for _, h := range hostAddrSeeds {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got, gotOK := hostAddr(h)
		want, wantOK := refHostAddr(h)
		if got != want || gotOK != wantOK {
			t.Fatalf("hostAddr(%q) = %v, %v; want %v, %v", h, got, gotOK, want, wantOK)
		}
	})
}

// TestURLPolicyAllocs: the checks every request gets cost no allocation
// for an ordinary host name or address.
func TestURLPolicyAllocs(t *testing.T) {
	c := defaultConfig()
	for _, tc := range []struct{ origin, target string }{
		{"https://svc.test/res/1", "https://svc.test/ops/1"},
		{"https://svc.test/res/1", "https://other.example.com/ops/1"},
		{"http://127.0.0.1:8080/res/1", "http://127.0.0.1:8080/ops/1"},
		{"http://10.0.0.1/res/1", "http://10.0.0.2/ops/1"},
	} {
		ou, _ := url.Parse(tc.origin)
		tu, _ := url.Parse(tc.target)
		o := &origin{url: ou}
		n := testing.AllocsPerRun(100, func() {
			if err := c.checkURL(o, tu, "Operation-Location"); err != nil {
				t.Fatal(err)
			}
			_ = c.needsGuard(o, tu)
		})
		if n != 0 {
			t.Errorf("%s from %s: %v allocations, want 0", tc.target, tc.origin, n)
		}
	}
}
