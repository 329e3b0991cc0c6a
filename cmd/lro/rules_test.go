package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lrohttp/lro/lrotest"
)

// TestRules: --rules FILE completes DigitalOcean and OpenStack operations
// described as JSON rules, and prints a resume command that names the file;
// a bad file is a usage error.
func TestRules(t *testing.T) {
	t.Parallel()
	srv := lrotest.NewVendorServer()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	file := filepath.Join(dir, "rules.json")
	const rulesJSON = `[
	 {"name": "do", "start": {"methods": ["POST"], "statusCodes": [201], "hosts": ["127.0.0.1"], "field": "/action/id"},
	  "poll": {"template": "/v2/actions/{/action/id}"},
	  "status": {"field": "/action/status", "inProgress": ["in-progress"], "success": ["completed"], "failure": ["errored"]}},
	 {"name": "openstack", "start": {"statusCodes": [202], "hosts": ["127.0.0.1"], "header": "Location"},
	  "poll": {"header": "Location"},
	  "status": {"field": "/server/status", "inProgress": ["BUILD"], "success": ["ACTIVE"], "failure": ["ERROR"]},
	  "progress": "/server/progress", "error": {"code": "/server/fault/code", "message": "/server/fault/message"}}
	]`
	if err := os.WriteFile(file, []byte(rulesJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("DigitalOcean", func(t *testing.T) {
		t.Parallel()
		start := srv.Start(lrotest.VendorScenario{Vendor: lrotest.DigitalOcean, Polls: 2})
		r := runLro(t, nil, nil, "-X", "POST", start, "--rules", file, "--interval", "10ms")
		r.wantCode(t, exitOK)
		if !strings.Contains(r.stdout, `"status":"completed"`) {
			t.Errorf("stdout = %q, want the completed action", r.stdout)
		}
	})
	t.Run("OpenStack failure", func(t *testing.T) {
		t.Parallel()
		start := srv.Start(lrotest.VendorScenario{Vendor: lrotest.OpenStack, Polls: 1, Fail: true})
		r := runLro(t, nil, nil, "-X", "POST", start, "--rules", file, "--interval", "10ms")
		r.wantCode(t, exitFailed)
		if !strings.Contains(r.stderr, "No valid host was found.") || !strings.Contains(r.stderr, "500") {
			t.Errorf("stderr = %q, want the fault's code and message", r.stderr)
		}
	})
	t.Run("resume command names the file", func(t *testing.T) {
		t.Parallel()
		start := srv.Start(lrotest.VendorScenario{Vendor: lrotest.OpenStack, Polls: 1})
		r := runLro(t, nil, nil, "-X", "POST", start, "--rules", file, "--no-wait")
		r.wantCode(t, exitOK)
		if !strings.Contains(r.stderr, "--rules "+file) {
			t.Fatalf("stderr = %q, want a resume command with --rules %s", r.stderr, file)
		}
		tok := ""
		for _, f := range strings.Fields(r.stderr) {
			if len(f) > 40 && !strings.Contains(f, "/") {
				tok = strings.Trim(f, "'")
			}
		}
		res := runLro(t, nil, nil, "resume", tok, "--rules", file, "--interval", "10ms")
		res.wantCode(t, exitOK)
		if !strings.Contains(res.stdout, `"ACTIVE"`) {
			t.Errorf("resume stdout = %q, want the active server", res.stdout)
		}
	})
	for name, content := range map[string]string{"bad.json": `{"name":"x"}`, "typo.json": strings.Replace(rulesJSON, `"poll"`, `"pol"`, 1)} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		r := runLro(t, nil, nil, "-X", "POST", "http://127.0.0.1:1/x", "--rules", p)
		r.wantCode(t, exitUsage)
		if !strings.Contains(r.stderr, "invalid rule") {
			t.Errorf("%s: stderr = %q, want the rule's error", name, r.stderr)
		}
	}
	r := runLro(t, nil, nil, "-X", "POST", "http://127.0.0.1:1/x", "--rules", file, "--rules", file)
	r.wantCode(t, exitUsage)
}
