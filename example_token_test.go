package lro_test

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
)

// Start an operation without waiting for it, keep its token (in a database,
// say), and finish it later, from any process.
func ExampleWithoutPolling() {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Polls: 2, Result: `{"name":"demo"}`})
	t := lro.New(srv.Transport(), lro.WithPollInterval(time.Millisecond))
	client := &http.Client{Transport: t}

	// Send the PUT, and get the service's first answer back untouched.
	ctx := lro.WithoutPolling(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, resource, strings.NewReader(`{}`))
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := lro.ResumeToken(resp)
	resp.Body.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("started:", resp.Status)

	// Later: finish it from the token.
	resp, err = t.Resume(context.Background(), tok)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println("result:", resp.Status, string(body))
	// Output:
	// started: 201 Created
	// result: 200 OK {"name":"demo"}
}

// A reconciler that must not block takes one step at a time: each Poll
// sends one request and says how long to wait before the next.
func ExampleTransport_Poll() {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Polls: 2, Result: `{"name":"demo"}`})
	t := lro.New(srv.Transport())

	req, _ := http.NewRequestWithContext(lro.WithoutPolling(context.Background()), http.MethodPut, resource, nil)
	resp, err := t.RoundTrip(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, _ := lro.ResumeToken(resp)
	resp.Body.Close()

	for step := 1; ; step++ {
		res, err := t.Poll(context.Background(), tok)
		if err != nil {
			fmt.Println(err) // an *lro.OperationError when the operation failed
			return
		}
		fmt.Printf("step %d: %s done=%v\n", step, res.Status, res.Done)
		if res.Done {
			body, _ := io.ReadAll(res.Response.Body)
			res.Response.Body.Close()
			fmt.Println("result:", string(body))
			return
		}
		tok = res.Token // store it; requeue after res.Next
	}
	// Output:
	// step 1: InProgress done=false
	// step 2: InProgress done=false
	// step 3: Succeeded done=false
	// step 4: Succeeded done=true
	// result: {"name":"demo"}
}

// A deadline on the context ends the wait, not the operation: the error
// carries a token that finishes it later.
func ExampleTokenFromError() {
	srv := lrotest.NewServer()
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{Polls: 3, Result: `{"name":"demo"}`})
	t := lro.New(srv.Transport(), lro.WithPollInterval(time.Minute)) // a slow service
	client := &http.Client{Transport: t}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, resource, nil)
	_, err := client.Do(req)
	fmt.Println("deadline:", errors.Is(err, context.DeadlineExceeded))

	tok, ok := lro.TokenFromError(err)
	if !ok {
		fmt.Println("no token")
		return
	}
	t = lro.New(srv.Transport(), lro.WithPollInterval(time.Millisecond)) // later, or elsewhere
	resp, err := t.Resume(context.Background(), tok)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println("resumed:", string(body))
	// Output:
	// deadline: true
	// resumed: {"name":"demo"}
}
