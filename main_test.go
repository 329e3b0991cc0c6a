package lro_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine is left behind once
// they have all run: lro starts none of its own, so a leftover one is a
// leaked poll, timer callback, connection or lrotest handler. Tests close
// their lrotest servers and the idle connections of their transports in
// Cleanup, so no ignore list is needed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
