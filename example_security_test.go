package lro_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lrohttp/lro"
)

// exampleService answers a PUT with a monitor URL of its choosing, and any
// GET with a finished operation. It stands for a service on the internet.
type exampleService struct{ monitor string }

func (s exampleService) RoundTrip(req *http.Request) (*http.Response, error) {
	body := `{"status":"Succeeded"}`
	resp := &http.Response{StatusCode: 200, Header: http.Header{}, Request: req}
	if req.Method == http.MethodPut {
		body, resp.StatusCode = `{}`, 201
		resp.Header.Set("Operation-Location", s.monitor)
	}
	resp.Body = io.NopCloser(strings.NewReader(body))
	return resp, nil
}

// A service on the internet names the cloud metadata service as its
// monitor: lro refuses to poll it, unless the address is allowed.
func ExampleWithAllowedHosts() {
	base := exampleService{monitor: "http://169.254.169.254/latest/meta-data/"}
	for _, opts := range [][]lro.Option{
		nil,
		{lro.WithAllowedHosts("169.254.169.254")},
	} {
		opts = append(opts, lro.WithPollInterval(time.Millisecond))
		client := &http.Client{Transport: lro.New(base, opts...)}
		req, _ := http.NewRequest(http.MethodPut, "http://svc.example.com/things/1", strings.NewReader(`{}`))
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println("forbidden:", errors.Is(err, lro.ErrForbiddenURL))
			fmt.Println(err)
			continue
		}
		resp.Body.Close()
		fmt.Println("allowed:", resp.StatusCode)
	}
	// Output:
	// forbidden: true
	// Put "http://svc.example.com/things/1": lro: refusing Operation-Location "http://169.254.169.254/latest/meta-data/": points at a link-local or cloud metadata address; lro.WithAllowedHosts allows it
	// allowed: 200
}

// A monitor on another host gets only the safe headers: here the API key
// stays with the original host, and the trace context goes along.
func ExampleWithSafeHeaders() {
	var seen []string
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		seen = append(seen, fmt.Sprintf("%s %s api-key=%q traceparent=%t", req.Method, req.URL.Host,
			req.Header.Get("Api-Key"), req.Header.Get("Traceparent") != ""))
		return exampleService{monitor: "https://monitor.example.net/ops/1"}.RoundTrip(req)
	})
	client := &http.Client{Transport: lro.New(base, lro.WithPollInterval(time.Millisecond))}
	req, _ := http.NewRequest(http.MethodPut, "https://svc.example.com/things/1", strings.NewReader(`{}`))
	req.Header.Set("Api-Key", "s3cret")
	req.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	resp.Body.Close()
	fmt.Println(strings.Join(seen, "\n"))
	// Output:
	// PUT svc.example.com api-key="s3cret" traceparent=true
	// GET monitor.example.net api-key="" traceparent=true
	// GET svc.example.com api-key="s3cret" traceparent=true
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
