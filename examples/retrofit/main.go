// Command retrofit adds long-running operations to a client that knows
// nothing of them (package legacy), without changing a line of it: only
// the Transport of its *http.Client is swapped for lro's.
//
//	go run ./examples/retrofit
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/examples/retrofit/legacy"
	"github.com/lrohttp/lro/lrotest"
)

func main() {
	if err := run(context.Background(), os.Stdout, 200*time.Millisecond); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, interval time.Duration) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	client := &legacy.Client{HTTP: &http.Client{Timeout: time.Minute}} // as legacy clients often are

	fmt.Fprintln(out, "== before: the service answers before the work is done")
	exercise(ctx, out, srv, client)

	retrofit(client, interval)

	fmt.Fprintln(out, "== after: lro completes the operations")
	exercise(ctx, out, srv, client)
	return nil
}

// exercise creates a widget (201 + Operation-Location) and runs a report
// (202 + Location), each operation taking two polls.
func exercise(ctx context.Context, out io.Writer, srv *lrotest.Server, client *legacy.Client) {
	widget := srv.Start(lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 2})
	w, err := client.CreateWidget(ctx, widget, "gizmo")
	if err != nil {
		fmt.Fprintln(out, "CreateWidget:", err)
	} else {
		fmt.Fprintf(out, "CreateWidget: %s provisioningState=%s\n", w.Name, w.Properties.ProvisioningState)
	}

	report := srv.Start(lrotest.Scenario{Protocol: lrotest.Location, Polls: 2})
	r, err := client.RunReport(ctx, report)
	if err != nil {
		fmt.Fprintln(out, "RunReport:", err)
	} else {
		fmt.Fprintf(out, "RunReport: %s result=%s\n", r.Name, r.Result)
	}
}

// retrofit gives client long-running operations: it swaps the Transport.
// The client's methods and success rules stay as they were. Its Timeout
// does not: http.Client.Timeout bounds a whole client.Do, which is now the
// whole operation, and when it fires net/http replaces lro's error (and its
// resume token) with its own. So the per-request bound becomes lro's
// per-poll bound, and the operation is bounded by WithMaxWait (or the
// caller's context).
func retrofit(client *legacy.Client, interval time.Duration) {
	client.HTTP.Transport = lro.New(client.HTTP.Transport,
		lro.WithPollInterval(interval),
		lro.WithPollTimeout(client.HTTP.Timeout),
		lro.WithMaxWait(time.Hour))
	client.HTTP.Timeout = 0
}
