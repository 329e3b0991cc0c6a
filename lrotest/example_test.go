package lrotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

// A client creates a resource with PUT and polls the Operation-Location
// monitor until the operation is done.
func Example() {
	s := lrotest.NewServer()
	defer s.Close()
	res := s.Start(lrotest.Scenario{Protocol: lrotest.OperationLocation, Polls: 2})
	c := s.Client()

	req, _ := http.NewRequest(http.MethodPut, res+"?api-version=2024-01-01", strings.NewReader(`{}`))
	resp, err := c.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	monitor := resp.Header.Get("Operation-Location")
	fmt.Println("PUT", resp.StatusCode, strings.TrimPrefix(monitor, s.URL))

	for {
		resp, err := c.Get(monitor + "?api-version=2024-01-01")
		if err != nil {
			panic(err)
		}
		var op struct{ Status string }
		json.NewDecoder(resp.Body).Decode(&op)
		resp.Body.Close()
		fmt.Println("GET", resp.StatusCode, op.Status)
		if op.Status != "Running" {
			break
		}
	}

	resp, err = c.Get(res + "?api-version=2024-01-01")
	if err != nil {
		panic(err)
	}
	var doc struct {
		Properties struct{ ProvisioningState string }
	}
	json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	fmt.Println("GET", resp.StatusCode, doc.Properties.ProvisioningState)
	fmt.Println("requests:", s.Count(res))
	// Output:
	// PUT 201 /operations/op1
	// GET 200 Running
	// GET 200 Running
	// GET 200 Succeeded
	// GET 200 Succeeded
	// requests: 5
}

// Faults inject failures: here the first two polls answer 429 with a
// Retry-After header before the operation proceeds.
func ExampleFault() {
	s := lrotest.NewServer()
	defer s.Close()
	res := s.Start(lrotest.Scenario{
		Protocol: lrotest.Location,
		Faults:   []lrotest.Fault{{Step: lrotest.Poll, N: 1, Count: 2, Status: http.StatusTooManyRequests, RetryAfter: time.Second}},
	})
	c := s.Client()
	resp, _ := c.Post(res, "application/json", strings.NewReader(`{}`))
	resp.Body.Close()
	status := resp.Header.Get("Location")
	for range 3 {
		resp, _ := c.Get(status)
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, r := range s.Requests(res) {
		fmt.Println(r.Step, r.Method, r.URL, r.Status)
	}
	// Output:
	// 429 Retry-After="1"
	// 429 Retry-After="1"
	// 200 Retry-After=""
	// initial POST /resources/op1 202
	// poll GET /operations/op1 429
	// poll GET /operations/op1 429
	// poll GET /operations/op1 200
}
