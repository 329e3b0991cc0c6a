package rules_test

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/rules"
)

var digitalOcean = rules.Rule{
	Name:   "digitalocean-action",
	Start:  rules.Start{Methods: []string{"post"}, StatusCodes: []int{201}, Hosts: []string{"api.digitalocean.com"}, Field: "/action/id"},
	Poll:   rules.Poll{Template: "/v2/actions/{/action/id}"},
	Status: rules.Status{Field: "action.status", InProgress: []string{"in-progress"}, Success: []string{"completed"}, Failure: []string{"errored"}},
}

var openStack = rules.Rule{
	Name:     "openstack-server",
	Start:    rules.Start{StatusCodes: []int{202}, Hosts: []string{"compute.example.net"}, Paths: []string{"/v2.1/servers*"}, Header: "Location"},
	Poll:     rules.Poll{Header: "Location"},
	Status:   rules.Status{Field: "/server/status", InProgress: []string{"BUILD"}, Success: []string{"ACTIVE"}, Failure: []string{"ERROR"}},
	Progress: "/server/progress",
	Error:    rules.Error{Code: "/server/fault/code", Message: "/server/fault/message"},
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustNew(t testing.TB, r rules.Rule) *rules.Strategy {
	t.Helper()
	s, err := rules.New(r)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	edit := func(f func(r *rules.Rule)) rules.Rule {
		r := digitalOcean
		f(&r)
		return r
	}
	tests := map[string]rules.Rule{
		"no name":              edit(func(r *rules.Rule) { r.Name = "" }),
		"no status codes":      edit(func(r *rules.Rule) { r.Start.StatusCodes = nil }),
		"non-2xx code":         edit(func(r *rules.Rule) { r.Start.StatusCodes = []int{302} }),
		"no hosts":             edit(func(r *rules.Rule) { r.Start.Hosts = nil }),
		"host with a path":     edit(func(r *rules.Rule) { r.Start.Hosts = []string{"h/x"} }),
		"bad path pattern":     edit(func(r *rules.Rule) { r.Start.Paths = []string{"/a["} }),
		"two poll sources":     edit(func(r *rules.Rule) { r.Poll.Header = "Location" }),
		"no poll source":       edit(func(r *rules.Rule) { r.Poll = rules.Poll{} }),
		"bad template":         edit(func(r *rules.Rule) { r.Poll.Template = "/v2/{/action/id" }),
		"no status field":      edit(func(r *rules.Rule) { r.Status.Field = "" }),
		"no failure words":     edit(func(r *rules.Rule) { r.Status.Failure = nil }),
		"word in two lists":    edit(func(r *rules.Rule) { r.Status.Failure = []string{"Completed"} }),
		"unknown as success":   edit(func(r *rules.Rule) { r.Status.Unknown = "success" }),
		"bad redirect":         edit(func(r *rules.Rule) { r.Status.Redirect = "maybe" }),
		"bad result":           edit(func(r *rules.Rule) { r.Result.From = "body" }),
		"field without from":   edit(func(r *rules.Rule) { r.Result.Field = "/href" }),
		"from field, no field": edit(func(r *rules.Rule) { r.Result.From = "field" }),
		"bad pointer escape":   edit(func(r *rules.Rule) { r.Progress = "/a~2" }),
		"empty path segment":   edit(func(r *rules.Rule) { r.Progress = "a..b" }),
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := rules.New(r); !errors.Is(err, rules.ErrInvalidRule) {
				t.Errorf("New: err = %v, want ErrInvalidRule", err)
			}
		})
	}
	if _, err := rules.New(digitalOcean); err != nil {
		t.Errorf("New(digitalOcean) = %v", err)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	one := `{"name":"a","start":{"statusCodes":[202],"hosts":["*"]},"poll":{"header":"Location"},
		"status":{"field":"status","success":["ok"],"failure":["bad"]}}`
	if rs, err := rules.Parse([]byte(one)); err != nil || len(rs) != 1 || rs[0].Poll.Header != "Location" {
		t.Errorf("Parse(one) = %+v, %v", rs, err)
	}
	if rs, err := rules.Parse([]byte("[" + one + "," + strings.Replace(one, `"a"`, `"b"`, 1) + "]")); err != nil || len(rs) != 2 {
		t.Errorf("Parse(array) = %d rules, %v", len(rs), err)
	}
	for _, bad := range []string{``, `{`, `[1]`, one + one, strings.Replace(one, `"poll"`, `"pol"`, 1), strings.Replace(one, `["*"]`, `[]`, 1)} {
		if _, err := rules.Parse([]byte(bad)); !errors.Is(err, rules.ErrInvalidRule) {
			t.Errorf("Parse(%.40q): err = %v, want ErrInvalidRule", bad, err)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	if err := os.WriteFile(p, []byte("["+one+","+one+"]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.Load(p); !errors.Is(err, rules.ErrInvalidRule) {
		t.Errorf("Load with two rules of one name: err = %v", err)
	}
	if _, err := rules.Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func TestApplies(t *testing.T) {
	t.Parallel()
	do, os := mustNew(t, digitalOcean), mustNew(t, openStack)
	loc := http.Header{"Location": {"/v2.1/servers/1"}}
	tests := []struct {
		name   string
		s      strategies.Strategy
		method string
		url    string
		code   int
		header http.Header
		want   bool
	}{
		{"DO POST 201", do, "POST", "https://api.digitalocean.com/v2/droplets/1/actions", 201, nil, true},
		{"DO GET", do, "GET", "https://api.digitalocean.com/v2/droplets/1/actions", 201, nil, false},
		{"DO 202", do, "POST", "https://api.digitalocean.com/v2/droplets/1/actions", 202, nil, false},
		{"DO other host", do, "POST", "https://api.example.com/v2/droplets/1/actions", 201, nil, false},
		{"OpenStack", os, "POST", "https://compute.example.net/v2.1/servers", 202, loc, true},
		{"OpenStack subdomain", os, "POST", "https://nova.compute.example.net/v2.1/servers-2", 202, loc, true},
		{"OpenStack other path", os, "POST", "https://compute.example.net/v2.1/images", 202, loc, false},
		{"OpenStack no header", os, "POST", "https://compute.example.net/v2.1/servers", 202, http.Header{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.s.Applies(tc.method, mustURL(t, tc.url), tc.code, tc.header); got != tc.want {
				t.Errorf("Applies = %v, want %v", got, tc.want)
			}
		})
	}
}

func start(t *testing.T, s strategies.Strategy, method, reqURL string, code int, h http.Header, body string) (*strategies.Operation, error) {
	t.Helper()
	u := mustURL(t, reqURL)
	if h == nil {
		h = http.Header{}
	}
	return s.Start(&strategies.Initial{Method: method, URL: u,
		Response: &strategies.Response{StatusCode: code, Header: h, Body: []byte(body), URL: u, Initial: true}})
}

func TestStart(t *testing.T) {
	t.Parallel()
	do := mustNew(t, digitalOcean)
	op, err := start(t, do, "POST", "https://api.digitalocean.com/v2/droplets/7/actions", 201, nil,
		`{"action":{"id":36804636,"status":"in-progress"}}`)
	if err != nil || op.PollURL != "https://api.digitalocean.com/v2/actions/36804636" || op.Status != strategies.InProgress || op.Strategy != "rule:digitalocean-action" {
		t.Errorf("DO start = %+v, %v", op, err)
	}
	op, err = start(t, do, "POST", "https://api.digitalocean.com/v2/droplets/7/actions", 201, nil, `{"action":{"id":1,"status":"Completed"}}`)
	if err != nil || op.Status != strategies.Succeeded {
		t.Errorf("DO done at once = %+v, %v", op, err)
	}
	if op, err := start(t, do, "POST", "https://api.digitalocean.com/v2/droplets/7/actions", 201, nil, `{"droplet":{}}`); op != nil || err != nil {
		t.Errorf("without start.field: %+v, %v; want nil, nil", op, err)
	}
	op, err = start(t, do, "POST", "https://api.digitalocean.com/x", 201, nil, `{"action":{"id":"../../admin?x=1"}}`)
	if err != nil || op.PollURL != "https://api.digitalocean.com/v2/actions/..%2F..%2Fadmin%3Fx=1" {
		t.Errorf("template value is path-escaped: %+v, %v", op, err)
	}
	if _, err := start(t, do, "POST", "https://api.digitalocean.com/x", 201, nil, `{"action":{"id":{}}}`); err == nil {
		t.Error("template from an object: no error")
	}
	links := digitalOcean
	links.Name, links.Poll, links.Start.Field = "links", rules.Poll{Field: "/links/actions/0/href"}, ""
	op, err = start(t, mustNew(t, links), "POST", "https://api.digitalocean.com/v2/droplets", 201, nil,
		`{"droplet":{"status":"new"},"links":{"actions":[{"href":"https://api.digitalocean.com/v2/actions/5"}]}}`)
	if err != nil || op.PollURL != "https://api.digitalocean.com/v2/actions/5" || op.Status != strategies.InProgress {
		t.Errorf("links start = %+v, %v", op, err)
	}
	if _, err := start(t, mustNew(t, links), "POST", "https://api.digitalocean.com/v2/droplets", 201, nil, `{"links":{"actions":[{"href":"file:///etc/passwd"}]}}`); !errors.Is(err, strategies.ErrInvalidURL) {
		t.Errorf("file URL: err = %v, want ErrInvalidURL", err)
	}
	op, err = start(t, mustNew(t, openStack), "POST", "https://compute.example.net/v2.1/servers", 202,
		http.Header{"Location": {"https://compute.example.net/v2.1/servers/s1"}}, `{"server":{"id":"s1"}}`)
	if err != nil || op.PollURL != "https://compute.example.net/v2.1/servers/s1" {
		t.Errorf("OpenStack start = %+v, %v", op, err)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	const poll = "https://compute.example.net/v2.1/servers/s1"
	redirect := openStack
	redirect.Name, redirect.Status.Redirect = "redirect", "success"
	field := openStack
	field.Name, field.Result = "field", rules.Result{From: "field", Field: "/server/links/0/href"}
	orig := openStack
	orig.Name, orig.Result = "orig", rules.Result{From: "original"}
	unknownFails := openStack
	unknownFails.Name, unknownFails.Status.Unknown = "uf", "failure"
	tests := []struct {
		name     string
		rule     rules.Rule
		code     int
		body     string
		from     string
		want     strategies.Status
		progress float64
		errCode  string
		errNum   int
		errMsg   string
		get      string
		wantErr  bool
	}{
		{name: "BUILD", rule: openStack, code: 200, body: `{"server":{"status":"BUILD","progress":40}}`, want: strategies.InProgress, progress: 40},
		{name: "build any case", rule: openStack, code: 200, body: `{"server":{"status":"build"}}`, want: strategies.InProgress},
		{name: "ACTIVE", rule: openStack, code: 200, body: `{"server":{"status":"ACTIVE","progress":100}}`, want: strategies.Succeeded, progress: 100},
		{name: "ERROR with fault", rule: openStack, code: 200, body: `{"server":{"status":"ERROR","fault":{"code":500,"message":"No valid host"}}}`,
			want: strategies.Failed, errCode: "500", errNum: 500, errMsg: "No valid host"},
		{name: "unknown word polls", rule: openStack, code: 200, body: `{"server":{"status":"REBUILD"}}`, want: strategies.InProgress},
		{name: "unknown word fails when told", rule: unknownFails, code: 200, body: `{"server":{"status":"SHELVED"}}`, want: strategies.Failed},
		{name: "progress out of range ignored", rule: openStack, code: 200, body: `{"server":{"status":"BUILD","progress":400}}`, want: strategies.InProgress},
		{name: "202 without status polls", rule: openStack, code: 202, body: ``, want: strategies.InProgress},
		{name: "200 without status is an error", rule: openStack, code: 200, body: `{"server":{}}`, wantErr: true},
		{name: "junk is an error", rule: openStack, code: 200, body: `<html>`, wantErr: true},
		{name: "redirect means done", rule: redirect, code: 200, body: `{"id":1}`, from: "https://files.example.net/r/1", want: strategies.Succeeded},
		{name: "redirect not special", rule: openStack, code: 200, body: `{"id":1}`, from: "https://files.example.net/r/1", wantErr: true},
		{name: "result field", rule: field, code: 200, body: `{"server":{"status":"ACTIVE","links":[{"href":"/v2.1/servers/s1/detail"}]}}`,
			want: strategies.Succeeded, get: "https://compute.example.net/v2.1/servers/s1/detail"},
		{name: "result field absent", rule: field, code: 200, body: `{"server":{"status":"ACTIVE"}}`, want: strategies.Succeeded},
		{name: "result original", rule: orig, code: 200, body: `{"server":{"status":"ACTIVE"}}`, want: strategies.Succeeded, get: "https://compute.example.net/v2.1/servers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustNew(t, tc.rule)
			op := &strategies.Operation{Strategy: s.Name(), URL: "https://compute.example.net/v2.1/servers", PollURL: poll, Status: strategies.InProgress}
			from := tc.from
			if from == "" {
				from = poll
			}
			resp := &strategies.Response{StatusCode: tc.code, Header: http.Header{}, Body: []byte(tc.body), URL: mustURL(t, from)}
			err := s.Update(op, resp)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Update: err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				if !errors.Is(err, strategies.ErrNoStatus) {
					t.Errorf("err = %v, want ErrNoStatus", err)
				}
				return
			}
			if op.Status != tc.want || op.Progress != tc.progress || op.ErrorCode != tc.errCode || op.ErrorNumber != tc.errNum || op.ErrorMessage != tc.errMsg {
				t.Errorf("got %+v", op)
			}
			if op.Status == strategies.Succeeded {
				if got := s.Result(op, resp).Get; got != tc.get {
					t.Errorf("Result().Get = %q, want %q", got, tc.get)
				}
			}
		})
	}
}
