// Command progress draws a terminal progress bar for a long-running
// operation, driven by lro's hooks: each poll's percentComplete moves the
// bar; a service that sends none gets a poll counter instead.
//
//	go run ./examples/progress
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
)

func main() {
	if err := run(context.Background(), os.Stdout, 300*time.Millisecond); err != nil {
		log.Fatal(err)
	}
}

// Bar renders an operation's progress on one terminal line, redrawn with
// a carriage return. Its hooks are safe for concurrent use, but one Bar
// draws one operation at a time.
type Bar struct {
	w     io.Writer
	label string
	width int

	mu   sync.Mutex
	last string // the last frame drawn
}

// NewBar returns a bar labeled label, writing to w.
func NewBar(w io.Writer, label string) *Bar { return &Bar{w: w, label: label, width: 30} }

// Hooks returns the hooks that drive the bar; pass them with lro.WithHooks,
// per request through lro.WithOptions.
func (b *Bar) Hooks() lro.Hooks {
	return lro.Hooks{
		Started: func(lro.StartInfo) { b.draw(b.frame(0, "started")) },
		Polled: func(i lro.PollInfo) {
			status := i.ServiceStatus
			if status == "" {
				status = string(i.Status)
			}
			if i.HasPercentComplete {
				b.draw(b.frame(i.PercentComplete, status))
				return
			}
			b.draw(fmt.Sprintf("%s %s poll %d: %s", b.label, spinner[i.Attempt%len(spinner)], i.Attempt, status))
		},
		Done: func(i lro.DoneInfo) {
			if i.Err == nil && i.Status == strategies.Succeeded {
				b.draw(b.frame(100, "Succeeded"))
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			fmt.Fprintln(b.w)
			b.last = ""
		},
	}
}

var spinner = []string{"|", "/", "-", `\`}

func (b *Bar) frame(pct float64, status string) string {
	pct = min(max(pct, 0), 100)
	filled := int(pct / 100 * float64(b.width))
	return fmt.Sprintf("%s [%s%s] %3.0f%% %s", b.label, strings.Repeat("#", filled), strings.Repeat(".", b.width-filled), pct, status)
}

func (b *Bar) draw(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if line == b.last {
		return
	}
	pad := max(len(b.last)-len(line), 0) // blank what a shorter frame leaves
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", pad))
	b.last = line
}

func run(ctx context.Context, out io.Writer, interval time.Duration) error {
	srv := lrotest.NewServer()
	defer srv.Close()
	client := &http.Client{Transport: lro.New(http.DefaultTransport, lro.WithPollInterval(interval))}
	defer client.CloseIdleConnections()

	// A monitor that reports percentComplete, then one that does not.
	ops := []struct {
		label, method string
		sc            lrotest.Scenario
	}{
		{"create", http.MethodPut, lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 9, PercentComplete: true}},
		{"delete", http.MethodDelete, lrotest.Scenario{Protocol: lrotest.Location, Polls: 5}},
	}
	for _, op := range ops {
		ctx := lro.WithOptions(ctx, lro.WithHooks(NewBar(out, op.label).Hooks()))
		req, err := http.NewRequestWithContext(ctx, op.method, srv.Start(op.sc), nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		fmt.Fprintf(out, "%s: %s after %d requests\n", op.label, resp.Status, srv.Count(req.URL.String()))
	}
	return nil
}
