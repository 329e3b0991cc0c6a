package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	spans, tree, ok := strings.Cut(out.String(), "span tree:\n")
	if !ok {
		t.Fatalf("no span tree in:\n%s", out.String())
	}
	want := "HTTP PUT\n  lro PUT\n    HTTP GET\n    HTTP GET\n    HTTP GET\n    HTTP GET\n"
	if tree != want {
		t.Errorf("tree:\n%s\nwant:\n%s", tree, want)
	}
	// The exporter's part is one JSON object per span.
	var names []string
	dec := json.NewDecoder(strings.NewReader(spans))
	for dec.More() {
		var s struct{ Name string }
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("exporter output: %v", err)
		}
		names = append(names, s.Name)
	}
	if len(names) != 6 || !strings.Contains(strings.Join(names, ","), "lro PUT") {
		t.Errorf("exported spans %q, want the 6 of the tree", names)
	}
}
