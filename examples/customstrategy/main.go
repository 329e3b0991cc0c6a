// Command customstrategy shows lro's three levels of customization, the
// transport-level counterparts of azure-core's polling strategy, polling
// method and poller API:
//
//  1. A polling strategy (level1.go): Operation-Location polling that also
//     knows a service's non-standard "ValidationFailed" status and ends the
//     operation with an error of its own.
//  2. A polling method (upload.go): a file-upload service with no status
//     URL at all. POST /files answers 202 {"file_id": ...} and the client
//     polls GET /files/{file_id} until it stops answering 404, at an
//     interval of its own, with the file id kept in the resume token.
//  3. A poller API (poller.go): status, done, wait, done callbacks,
//     continuation tokens and a cancel that calls the service's cancel
//     endpoint, built on Transport.Poll, Transport.Resume and
//     Transport.Cancel.
//
// Level 1 runs against lrotest; levels 2 and 3 against a small file service
// (service.go), since lrotest speaks only Azure's protocols.
//
//	go run ./examples/customstrategy
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"
)

func main() {
	if err := run(context.Background(), os.Stdout, 200*time.Millisecond); err != nil {
		log.Fatal(err)
	}
}

// run runs the three levels, polling every interval.
func run(ctx context.Context, out io.Writer, interval time.Duration) error {
	fmt.Fprintln(out, "== level 1: polling strategy")
	if err := level1(ctx, out, interval); err != nil {
		return err
	}
	fmt.Fprintln(out, "== level 2: polling method")
	if err := level2(ctx, out, interval); err != nil {
		return err
	}
	fmt.Fprintln(out, "== level 3: poller API")
	return level3(ctx, out, interval)
}
