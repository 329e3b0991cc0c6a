// Command quickstart runs one long-running operation against lro's embedded
// simulated service and prints every request lro sends, then the final body.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run starts a simulated service, creates a resource with a PUT that the
// service answers 201 + Operation-Location, and lets lro finish it.
func run(ctx context.Context, out io.Writer) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{
		Protocol:        lrotest.OperationLocation,
		Polls:           3,
		PercentComplete: true,
	})

	// The only lro-specific line: wrap the transport. The printer below it
	// is there to show what goes over the wire.
	client := &http.Client{Transport: lro.New(printer{out, http.DefaultTransport},
		lro.WithPollInterval(200*time.Millisecond))}

	req, err := http.NewRequestWithContext(ctx, http.MethodPut, resource+"?api-version=2024-01-01",
		strings.NewReader(`{"properties":{"size":"small"}}`))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "final: %s %s\n%s\n", resp.Request.Method, resp.Status, body)
	return nil
}

// printer is a RoundTripper that prints each request and the status and
// (short) body of its response.
type printer struct {
	out  io.Writer
	next http.RoundTripper
}

func (p printer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := p.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	line := fmt.Sprintf("%-4s %s -> %s", req.Method, req.URL.RequestURI(), resp.Status)
	if v := resp.Header.Get("Operation-Location"); v != "" {
		line += "  Operation-Location: " + v
	}
	if strings.Contains(req.URL.Path, "/operations/") {
		// A status body is small: show it, and hand lro an identical copy.
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		line += "  " + strings.TrimSpace(string(b))
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
	}
	fmt.Fprintln(p.out, line)
	return resp, nil
}
