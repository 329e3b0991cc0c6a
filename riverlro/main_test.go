package riverlro_test

import (
	"fmt"
	"os"
	"testing"
)

// TestMain says once, for the package, why the tests skip without a
// database.
func TestMain(m *testing.M) {
	if os.Getenv("DATABASE_URL") == "" {
		fmt.Fprintln(os.Stderr, "riverlro: tests skipped: DATABASE_URL not set (a throwaway server: export $(bash riverlro/dev/pg.sh start))")
	}
	os.Exit(m.Run())
}
