package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"PUT  /resources/op1?api-version=2024-01-01 -> 201 Created",
		`GET  /operations/op1?api-version=2024-01-01 -> 200 OK  {"id":"op1","status":"Running","percentComplete":25}`,
		`GET  /operations/op1?api-version=2024-01-01 -> 200 OK  {"id":"op1","status":"Running","percentComplete":50}`,
		`GET  /operations/op1?api-version=2024-01-01 -> 200 OK  {"id":"op1","status":"Running","percentComplete":75}`,
		`GET  /operations/op1?api-version=2024-01-01 -> 200 OK  {"id":"op1","status":"Succeeded","percentComplete":100}`,
		"GET  /resources/op1?api-version=2024-01-01 -> 200 OK",
		"final: GET 200 OK",
		`{"id":"/resources/op1","name":"op1","properties":{"provisioningState":"Succeeded"}}`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d: got %q, want prefix %q", i, lines[i], want[i])
		}
	}
}
