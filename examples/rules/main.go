// Command rules completes operations of services lro has no strategy for,
// from protocols written as data: the JSON rule files next to it
// (strategies/rules). It runs them against lrotest.VendorServer, which
// simulates each service on loopback; a dialer sends the services' host
// names there.
//
//	go run ./examples/rules
//
// digitalocean.json polls a DigitalOcean action (POST answered 201 with
// {"action":{"id":…}}, polled at /v2/actions/{id} until "completed" or
// "errored"). openstack.json polls an OpenStack server build (202 with a
// Location, polled until ACTIVE or ERROR, with progress and the fault's
// code and message). graph.json writes Microsoft Graph's copy monitor as a
// rule, and the program runs the same operations through the built-in
// strategy (strategies/graph, in the default chain) to show they agree.
//
// Which is simpler? For a protocol like these, the rule: sixteen lines of
// JSON that say what the service's documentation says, against about 150
// lines of Go (strategies/graph) with its tests. The Go strategy still
// earns its place for Graph: it knows details a rule cannot say (a Teams
// Location without the /v1.0 prefix, statusDescription as the message when
// error is absent, teamsAsyncOperation's targetResourceLocation), it is on
// by default on Graph's hosts, and a rule only where you load it. Write a
// rule first; write Go when the protocol needs a decision a rule has no
// field for.
package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/rules"
)

//go:embed *.json
var files embed.FS

func main() {
	if err := run(os.Stdout, 50*time.Millisecond); err != nil {
		log.Fatal(err)
	}
}

// load reads a rule file (as rules.Load does from disk).
func load(name string) ([]strategies.Strategy, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	rs, err := rules.Parse(data)
	if err != nil {
		return nil, err
	}
	var out []strategies.Strategy
	for _, r := range rs {
		s, err := rules.New(r)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// demo is one operation to run.
type demo struct {
	label string
	rule  string // rule file; "" for the default chain alone
	host  string // the service's host name
	sc    lrotest.VendorScenario
}

func run(w io.Writer, interval time.Duration) error {
	srv := lrotest.NewVendorServer()
	defer srv.Close()
	u, _ := url.Parse(srv.URL())
	port := u.Port()
	var d net.Dialer
	base := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, u.Host) // every host name reaches the simulation
	}}
	defer base.CloseIdleConnections()

	const monitor = "contoso-my.sharepoint.com"
	demos := []demo{
		{"DigitalOcean reboot", "digitalocean.json", "api.digitalocean.com", lrotest.VendorScenario{Vendor: lrotest.DigitalOcean, Polls: 2}},
		{"DigitalOcean reboot that errs", "digitalocean.json", "api.digitalocean.com", lrotest.VendorScenario{Vendor: lrotest.DigitalOcean, Polls: 1, Fail: true}},
		{"OpenStack server", "openstack.json", "compute.example.net", lrotest.VendorScenario{Vendor: lrotest.OpenStack, Polls: 3}},
		{"OpenStack server that fails", "openstack.json", "compute.example.net", lrotest.VendorScenario{Vendor: lrotest.OpenStack, Polls: 1, Fail: true}},
		{"Graph copy, rule", "graph.json", "graph.microsoft.com", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 2, Redirect: true}},
		{"Graph copy, built-in", "", "graph.microsoft.com", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 2, Redirect: true}},
		{"Graph copy that fails, rule", "graph.json", "graph.microsoft.com", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 1, Fail: true}},
		{"Graph copy that fails, built-in", "", "graph.microsoft.com", lrotest.VendorScenario{Vendor: lrotest.GraphCopy, Polls: 1, Fail: true}},
	}
	for _, dm := range demos {
		chain := lro.DefaultStrategies()
		if dm.rule != "" {
			rs, err := load(dm.rule)
			if err != nil {
				return err
			}
			chain = append(rs, chain...)
		}
		if dm.sc.Vendor == lrotest.GraphCopy {
			dm.sc.MonitorHost = monitor + ":" + port
		}
		var progress []string
		client := &http.Client{Transport: lro.New(base,
			lro.WithStrategies(chain...),
			lro.WithPollInterval(interval),
			lro.WithAllowedHosts(monitor), // the simulated monitor is on loopback
			lro.WithHooks(lro.Hooks{Polled: func(pi lro.PollInfo) {
				if pi.HasPercentComplete {
					progress = append(progress, fmt.Sprintf("%.0f%%", pi.PercentComplete))
				}
			}}),
		)}
		start := srv.Start(dm.sc)
		su, _ := url.Parse(start)
		su.Host = dm.host + ":" + port
		resp, err := client.Post(su.String(), "application/json", strings.NewReader(`{}`))
		fmt.Fprintf(w, "%s (%s):\n", dm.label, strategyName(dm.rule))
		var oe *lro.OperationError
		switch {
		case errors.As(err, &oe):
			fmt.Fprintf(w, "  failed: status %s, code %q, message %q\n", oe.ServiceStatus, oe.Code, oe.Message)
		case err != nil:
			return err
		default:
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  %s after %d requests: %s\n", resp.Status, len(srv.Requests(start)), body)
		}
		if len(progress) > 0 {
			fmt.Fprintf(w, "  progress: %s\n", strings.Join(progress, " "))
		}
	}
	return nil
}

func strategyName(rule string) string {
	if rule == "" {
		return "built-in strategy"
	}
	return rule
}
