// Package hosttable holds the table of lro's host rule (strategies.HostUnder):
// the cases that the tests of strategies, of the root package (credentials and
// WithTrustedHosts) and of cmd/lro (--trusted-host) all check, so that the
// three cannot drift apart.
package hosttable

import (
	_ "embed"
	"fmt"
	"strings"
	"testing"
)

//go:embed hostunder.txt
var table string

// Case is one line of the table: whether Host is Domain or under it. The
// zero value is the case of two empty names, which the rule never matches.
type Case struct {
	Host, Domain string
	Want         bool
}

// Cases returns the table's cases, or fails tb (Fatal) when a line is
// malformed, naming it, or the table holds no case. Each line holds a
// Go-quoted host, a Go-quoted domain and true or false; blank lines and
// lines starting with # are skipped.
func Cases(tb testing.TB) []Case {
	tb.Helper()
	cases, err := parse(table)
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

func parse(table string) ([]Case, error) {
	var cases []Case
	for n, line := range strings.Split(table, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		var c Case
		if _, err := fmt.Sscanf(line, "%q %q %t", &c.Host, &c.Domain, &c.Want); err != nil {
			return nil, fmt.Errorf("hostunder.txt:%d: %w", n+1, err)
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("hostunder.txt holds no case")
	}
	return cases, nil
}
