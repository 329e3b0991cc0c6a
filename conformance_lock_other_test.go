//go:build !unix

package lro_test

import "testing"

// cfLock does nothing here: run one conformance suite at a time per server.
func cfLock(*testing.T, string) {}
