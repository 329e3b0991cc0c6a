package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/examples/retrofit/legacy"
	"github.com/lrohttp/lro/lrotest"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	want := `== before: the service answers before the work is done
CreateWidget: op1 provisioningState=Creating
RunReport: legacy: POST /resources/op2: unexpected status 202 Accepted 
== after: lro completes the operations
CreateWidget: op3 provisioningState=Succeeded
RunReport: op4 result=done
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// The legacy client gets an error, never a half-done answer, when an
// operation fails, and every protocol and method it uses works.
func TestRetrofitProtocols(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewServer()
	defer srv.Close()
	client := &legacy.Client{HTTP: &http.Client{Transport: lro.New(srv.Transport(), lro.WithPollInterval(time.Millisecond))}}
	ctx := context.Background()
	for _, p := range []lrotest.Protocol{lrotest.OperationLocation, lrotest.AzureAsyncOperation, lrotest.Location, lrotest.ProvisioningState, lrotest.Synchronous} {
		w, err := client.CreateWidget(ctx, srv.Start(lrotest.Scenario{Protocol: p, Polls: 1}), "w")
		if err != nil || w.Properties.ProvisioningState != "Succeeded" {
			t.Errorf("%s: CreateWidget = %+v, %v", p, w, err)
		}
		if p == lrotest.ProvisioningState {
			continue // POST has no provisioningState protocol
		}
		// A POST's result is at the Location the monitor protocols send.
		r, err := client.RunReport(ctx, srv.Start(lrotest.Scenario{Protocol: p, Polls: 1, WithLocation: true}))
		if err != nil || r.Result != "done" {
			t.Errorf("%s: RunReport = %+v, %v", p, r, err)
		}
	}
	if _, err := client.RunReport(ctx, srv.Start(lrotest.Scenario{Polls: 1, Terminal: "Failed"})); err == nil {
		t.Error("a failed operation returned no error")
	}
}

// The retrofit moves the client's Timeout to lro's per-poll timeout: a
// Client.Timeout would bound the whole operation and lose its resume token.
func TestRetrofitClearsClientTimeout(t *testing.T) {
	t.Parallel()
	client := &legacy.Client{HTTP: &http.Client{Timeout: time.Minute}}
	retrofit(client, time.Millisecond)
	if client.HTTP.Timeout != 0 {
		t.Errorf("Timeout = %v after the retrofit, want 0", client.HTTP.Timeout)
	}
	if _, ok := client.HTTP.Transport.(*lro.Transport); !ok {
		t.Errorf("Transport = %T, want *lro.Transport", client.HTTP.Transport)
	}
}
