package lro_test

import (
	"context"
	"testing"

	"github.com/lrohttp/lro"
)

// One Option value may be applied by many Transports and requests at once
// (a per-request option shared by goroutines, say): applying it must not
// write to anything it shares. Run with -race.
func TestOptionsAppliedConcurrently(t *testing.T) {
	t.Parallel()
	opts := []lro.Option{
		lro.WithBackoff(nil, 0, 0), lro.WithRetryPolicy(nil), lro.WithMaxRetries(-1),
		lro.WithMaxStatusBody(0), lro.WithNotFoundGrace(-1), lro.WithPollInterval(0),
	}
	done := make(chan struct{})
	for range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			lro.New(nil, opts...)
			_ = lro.WithOptions(context.Background(), opts...)
		}()
	}
	<-done
	<-done
}
