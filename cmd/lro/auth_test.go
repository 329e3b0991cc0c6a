package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestHostTrusted: --trusted-host goes by the library's host rule, the
// table strategies.HostUnder is tested with.
func TestHostTrusted(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../../strategies/testdata/hostunder.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		var host, domain string
		var want bool
		if _, err := fmt.Sscanf(text, "%q %q %t", &host, &domain, &want); err != nil {
			t.Fatalf("hostunder.txt:%d: %v", line, err)
		}
		n++
		if got := hostTrusted(host, []string{"other.test", domain}); got != want {
			t.Errorf("hostTrusted(%q, [other.test %q]) = %t, want %t", host, domain, got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("hostunder.txt holds no case")
	}
}
