package main

import (
	"bytes"
	"testing"
	"time"
)

// TestRun: every operation ends as its service said, from the rule files,
// and Graph's copy ends the same way through its rule and through the
// built-in strategy.
func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(&out, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

const want = `DigitalOcean reboot (digitalocean.json):
  200 OK after 4 requests: {"action":{"id":1001,"status":"completed","type":"reboot"}}
DigitalOcean reboot that errs (digitalocean.json):
  failed: status errored, code "", message ""
OpenStack server (openstack.json):
  200 OK after 5 requests: {"server":{"id":"srv-3","progress":100,"status":"ACTIVE"}}
  progress: 25% 50% 75% 100%
OpenStack server that fails (openstack.json):
  failed: status ERROR, code "500", message "No valid host was found."
  progress: 50%
Graph copy, rule (graph.json):
  200 OK after 5 requests: {"id":"copy-5","name":"copy.docx"}
  progress: 33% 66%
Graph copy, built-in (built-in strategy):
  200 OK after 5 requests: {"id":"copy-6","name":"copy.docx"}
  progress: 33% 66%
Graph copy that fails, rule (graph.json):
  failed: status failed, code "nameAlreadyExists", message "An item with this name already exists."
  progress: 50%
Graph copy that fails, built-in (built-in strategy):
  failed: status failed, code "nameAlreadyExists", message "An item with this name already exists."
  progress: 50%
`
