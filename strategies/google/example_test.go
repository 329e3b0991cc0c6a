package google_test

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies/google"
)

// An AIP-151 service on a host that is not under googleapis.com (here, a
// simulation on loopback): add the strategy to the chain.
func ExampleOperations() {
	srv := lrotest.NewGoogleServer()
	defer srv.Close()
	tr := lro.New(http.DefaultTransport, lro.WithPollInterval(time.Millisecond),
		lro.WithStrategies(append(lro.DefaultStrategies(), google.Operations())...))
	client := &http.Client{Transport: tr}
	defer client.CloseIdleConnections()

	resp, err := client.Post(srv.Start(lrotest.GoogleScenario{Polls: 2, Response: `{"id":"thing-1"}`}), "application/json", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d %s\n", resp.StatusCode, b)
	// Output:
	// 200 {"done":true,"metadata":{"@type":"type.googleapis.com/lrotest.Metadata","progressPercent":100},"name":"projects/demo/locations/global/operations/op-1","response":{"id":"thing-1"}}
}
