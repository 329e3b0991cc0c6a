package lro_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

// A PUT answered 201 + Operation-Location: the client gets the final GET of
// the resource, as if the service had answered synchronously.
func ExampleNew() {
	srv := lrotest.NewServer() // a simulated LRO service on loopback
	defer srv.Close()
	resource := srv.Start(lrotest.Scenario{
		Protocol: lrotest.OperationLocation,
		Polls:    2, // two "Running" answers, then "Succeeded"
		Result:   `{"name":"demo","state":"ready"}`,
	})

	t := lro.New(srv.Client().Transport, lro.WithPollInterval(time.Millisecond))
	defer t.CloseIdleConnections()
	client := &http.Client{Transport: t}

	req, _ := http.NewRequest(http.MethodPut, resource, strings.NewReader(`{"name":"demo"}`))
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	fmt.Println("requests the service saw:", srv.Count(resource))
	// Output:
	// 200 {"name":"demo","state":"ready"}
	// requests the service saw: 5
}
