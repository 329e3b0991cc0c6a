package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/body"
	"github.com/lrohttp/lro/strategies/location"
	"github.com/lrohttp/lro/strategies/monitor"
)

// ValidationError is what an operation that ends "ValidationFailed" returns
// (wrapped in an *lro.PollError, and a *url.Error from http.Client).
type ValidationError struct {
	Code, Message string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("validation failed: %s: %s", e.Code, e.Message)
}

// validating is Operation-Location polling, plus one status: a monitor body
// with "status": "ValidationFailed" ends the operation with a
// *ValidationError. The built-in strategy would take it for a status still
// in progress and poll until WithMaxWait. It embeds the built-in strategy
// and overrides what differs, as a Python subclass of
// OperationResourcePolling would.
type validating struct {
	*monitor.Strategy
}

// Name must differ from the built-in's: tokens name their strategy.
func (validating) Name() string { return "validating-operation-location" }

func (v validating) Start(init *strategies.Initial) (*strategies.Operation, error) {
	op, err := v.Strategy.Start(init)
	if op != nil {
		op.Strategy = v.Name()
	}
	return op, err
}

func (v validating) Update(op *strategies.Operation, resp *strategies.Response) error {
	if err := v.Strategy.Update(op, resp); err != nil {
		return err
	}
	if strings.EqualFold(op.ServiceStatus, "ValidationFailed") {
		f, _ := strategies.ParseFields(resp.Body)
		return &ValidationError{Code: f.ErrorCode, Message: f.ErrorMessage}
	}
	return nil
}

// validatingChain is the default chain with Operation-Location replaced.
func validatingChain() []strategies.Strategy {
	return []strategies.Strategy{
		monitor.AzureAsyncOperation(),
		validating{monitor.OperationLocation()},
		location.New(),
		body.New(),
	}
}

func level1(ctx context.Context, out io.Writer, interval time.Duration) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	client := &http.Client{Transport: lro.New(http.DefaultTransport,
		lro.WithStrategies(validatingChain()...), lro.WithPollInterval(interval))}
	defer client.CloseIdleConnections()

	for _, terminal := range []string{"Succeeded", "ValidationFailed"} {
		res := srv.Start(lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 1, Terminal: terminal})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, res, strings.NewReader(`{"document":"..."}`))
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		var ve *ValidationError
		switch {
		case errors.As(err, &ve):
			fmt.Fprintf(out, "analyze ended %s: %v\n", terminal, ve)
		case err != nil:
			return err
		default:
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			fmt.Fprintf(out, "analyze ended %s: %d %s\n", terminal, resp.StatusCode, b)
		}
	}
	return nil
}
