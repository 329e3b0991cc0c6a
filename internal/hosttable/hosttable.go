// Package hosttable holds the table of lro's host rule (strategies.HostUnder):
// the cases that the tests of strategies, of the root package (credentials and
// WithTrustedHosts) and of cmd/lro (--trusted-host) all check, so that the
// three cannot drift apart.
package hosttable

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed hostunder.txt
var table string

// Case is one line of the table: whether Host is Domain or under it. The
// zero value is the case of two empty names, which the rule never matches.
type Case struct {
	Host, Domain string
	Want         bool
}

// Cases parses the table. Each line holds a Go-quoted host, a Go-quoted
// domain and true or false; blank lines and lines starting with # are
// skipped. It fails on a malformed line, naming it, and on an empty table.
func Cases() ([]Case, error) {
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
