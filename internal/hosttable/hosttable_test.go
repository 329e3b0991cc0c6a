package hosttable

import "testing"

// TestCases: the embedded table parses, and holds both outcomes.
func TestCases(t *testing.T) {
	t.Parallel()
	cases := Cases(t)
	var yes, no int
	for _, c := range cases {
		if c.Want {
			yes++
		} else {
			no++
		}
	}
	if yes == 0 || no == 0 {
		t.Errorf("table has %d matching and %d non-matching cases, want some of each", yes, no)
	}
}

// TestParseRefuses: a malformed line or an empty table is an error.
func TestParseRefuses(t *testing.T) {
	t.Parallel()
	for _, table := range []string{"", "# only a comment\n", "\"a.test\" \"a.test\"\n", "a.test a.test true\n"} {
		if got, err := parse(table); err == nil {
			t.Errorf("parse(%q) = %v, nil; want an error", table, got)
		}
	}
}
