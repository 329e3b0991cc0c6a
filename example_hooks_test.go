package lro_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

// Hooks report an operation's progress as it goes: here the
// percentComplete of each poll.
func ExampleHooks() {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Polls: 3, PercentComplete: true})

	hooks := lro.Hooks{
		Started: func(s lro.StartInfo) { fmt.Println("started:", s.Strategy) },
		Polled: func(p lro.PollInfo) {
			if p.HasPercentComplete {
				fmt.Printf("poll %d: %3.0f%% %s\n", p.Attempt, p.PercentComplete, p.ServiceStatus)
			}
		},
		Done: func(d lro.DoneInfo) { fmt.Println("done:", d.Status, d.Requests, "requests") },
	}
	t := lro.New(srv.Transport(), lro.WithPollInterval(time.Millisecond), lro.WithHooks(hooks))
	req, _ := http.NewRequest(http.MethodPut, resource, strings.NewReader(`{}`))
	resp, err := (&http.Client{Transport: t}).Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	// Output:
	// started: operation-location
	// poll 1:  25% Running
	// poll 2:  50% Running
	// poll 3:  75% Running
	// poll 4: 100% Succeeded
	// done: Succeeded 6 requests
}

// SlogHooks logs an operation's life: start and end at Info, each poll and
// wait at Debug.
func ExampleSlogHooks() {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Polls: 1})

	// A handler whose output does not vary from run to run: no time, no
	// elapsed time, URLs without the server's random port.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "elapsed":
				return slog.Attr{}
			case "url", "pollURL":
				return slog.String(a.Key, strings.TrimPrefix(a.Value.String(), srv.URL))
			}
			return a
		},
	}))
	t := lro.New(srv.Transport(), lro.WithPollInterval(time.Millisecond), lro.WithHooks(lro.SlogHooks(logger)))
	req, _ := http.NewRequest(http.MethodPut, resource, strings.NewReader(`{}`))
	resp, err := (&http.Client{Transport: t}).Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	// Output:
	// level=INFO msg="lro: operation started" strategy=operation-location pollURL=/operations/op1 status=InProgress method=PUT url=/resources/op1
	// level=DEBUG msg="lro: waiting" attempt=0 delay=1ms reason=interval
	// level=DEBUG msg="lro: polled" attempt=1 httpStatus=200 status=InProgress serviceStatus=Running
	// level=DEBUG msg="lro: waiting" attempt=1 delay=1ms reason=interval
	// level=DEBUG msg="lro: polled" attempt=2 httpStatus=200 status=Succeeded serviceStatus=Succeeded
	// level=INFO msg="lro: operation done" status=Succeeded requests=4
}
