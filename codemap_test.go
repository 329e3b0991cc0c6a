package lro_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCodeMapNamesEveryFile: the package doc's "Code map" names every
// non-test Go file of the package, so that a newcomer finds each one there.
func TestCodeMapNamesEveryFile(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, codeMap, ok := strings.Cut(string(doc), "// # Code map")
	if !ok {
		t.Fatal(`doc.go has no "# Code map" section`)
	}
	codeMap, _, _ = strings.Cut(codeMap, "\npackage ")
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`[a-z0-9_]+\.go\b`).FindAllString(codeMap, -1) {
		named[m] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "doc.go" {
			continue
		}
		if !named[f] {
			t.Errorf("doc.go's code map does not name %s: add a line saying what it holds", f)
		}
	}
}
