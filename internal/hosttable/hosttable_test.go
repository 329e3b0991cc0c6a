package hosttable

import "testing"

// TestCases: the embedded table parses, and holds both outcomes.
func TestCases(t *testing.T) {
	t.Parallel()
	cases, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
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
