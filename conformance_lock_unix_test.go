//go:build unix

package lro_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// cfLock serialises conformance runs against the same servers across test
// processes (two `go test ./...` at once would interleave scenarios, whose
// state is global to each server). The lock is released when the test ends
// or the process dies.
func cfLock(t *testing.T, key string) {
	path := filepath.Join(os.TempDir(), "lro-conformance-"+key+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("conformance lock: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		t.Logf("waiting for another conformance run on the same servers (%s)", path)
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	if err != nil {
		t.Fatalf("conformance lock %s: %v", path, err)
	}
}
