package google

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func initial(t *testing.T, method, rawURL string, status int, body string) *strategies.Initial {
	u := mustURL(t, rawURL)
	return &strategies.Initial{Method: method, URL: u,
		Response: &strategies.Response{StatusCode: status, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte(body), URL: u, Initial: true}}
}

func TestOperationsStart(t *testing.T) {
	t.Parallel()
	const api = "https://speech.googleapis.com/v1p1beta1/speech:longrunningrecognize"
	tests := []struct {
		name     string
		method   string
		url      string
		status   int
		body     string
		wantPoll string // "" means no operation
		wantErr  bool
		status2  strategies.Status
	}{
		{"running", "POST", api, 200, `{"name":"operations/123","done":false}`, "https://speech.googleapis.com/v1p1beta1/operations/123", false, strategies.InProgress},
		{"done absent, metadata", "POST", "https://x.test/v1/projects/p/things", 200, `{"name":"projects/p/locations/l/operations/a+b=c","metadata":{"@type":"t"}}`,
			"https://x.test/v1/projects/p/locations/l/operations/a+b=c", false, strategies.InProgress},
		{"done absent, operations name", "PATCH", "https://x.test/v2alpha/things/1", 200, `{"name":"operations/o1"}`, "https://x.test/v2alpha/operations/o1", false, strategies.InProgress},
		{"already done", "DELETE", "https://x.test/v1/things/1", 200, `{"name":"operations/o1","done":true,"response":{"@type":"t"}}`, "https://x.test/v1/operations/o1", false, strategies.Succeeded},
		{"already failed", "POST", "https://x.test/v1/things", 200, `{"name":"operations/o1","done":true,"error":{"code":5,"message":"gone"}}`, "https://x.test/v1/operations/o1", false, strategies.Failed},
		{"a resource with a name", "POST", "https://x.test/v1/topics", 200, `{"name":"projects/p/topics/t"}`, "", false, ""},
		{"a resource with more keys", "POST", "https://x.test/v1/topics", 200, `{"name":"operations/x","labels":{}}`, "", false, ""},
		{"done not a bool", "POST", "https://x.test/v1/x", 200, `{"name":"operations/x","done":"no"}`, "", false, ""},
		{"name not a string", "POST", "https://x.test/v1/x", 200, `{"name":5,"done":false}`, "", false, ""},
		{"empty name", "POST", "https://x.test/v1/x", 200, `{"name":"","done":false}`, "", false, ""},
		{"not JSON", "POST", "https://x.test/v1/x", 200, `name: operations/x`, "", false, ""},
		{"array", "POST", "https://x.test/v1/x", 200, `[{"name":"operations/x","done":false}]`, "", false, ""},
		{"GET", "GET", "https://x.test/v1/operations/x", 200, `{"name":"operations/x","done":false}`, "", false, ""},
		{"204", "POST", "https://x.test/v1/x", 204, `{"name":"operations/x","done":false}`, "", false, ""},
		{"error status", "POST", "https://x.test/v1/x", 500, `{"name":"operations/x","done":false}`, "", false, ""},
		{"no version", "POST", "https://x.test/api/x", 200, `{"name":"operations/x","done":false}`, "", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := Operations()
			in := initial(t, tc.method, tc.url, tc.status, tc.body)
			applies := s.Applies(tc.method, in.URL, tc.status, in.Response.Header)
			op, err := s.Start(in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Start = %+v, want an error", op)
				}
				return
			}
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			if tc.wantPoll == "" {
				if op != nil {
					t.Fatalf("Start = %+v, want no operation", op)
				}
				return
			}
			if !applies {
				t.Error("Applies = false for a response Start takes")
			}
			if op == nil || op.PollURL != tc.wantPoll || op.Status != tc.status2 || op.Strategy != OperationsName {
				t.Fatalf("Start = %+v, want poll %s status %s", op, tc.wantPoll, tc.status2)
			}
		})
	}
}

func TestOperationsPrefix(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"/api/v3", "api/v3/", "/api/v3/"} {
		op, err := OperationsWithPrefix(prefix).Start(initial(t, "POST", "https://x.test/api/x", 200, `{"name":"operations/o","done":false}`))
		if err != nil || op == nil || op.PollURL != "https://x.test/api/v3/operations/o" {
			t.Errorf("OperationsWithPrefix(%q): op %+v, err %v", prefix, op, err)
		}
	}
	op, err := OperationsWithPrefix("").Start(initial(t, "POST", "https://x.test/v9/x", 200, `{"name":"operations/o","done":false}`))
	if err != nil || op == nil || op.PollURL != "https://x.test/v9/operations/o" {
		t.Errorf(`OperationsWithPrefix(""): op %+v, err %v; want the version rule`, op, err)
	}
}

func TestOperationsUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		body      string
		status    strategies.Status
		code      string
		number    int
		message   string
		progress  float64
		hasProg   bool
		wantError bool
	}{
		{"running", `{"name":"operations/o","done":false,"metadata":{"progressPercent":40}}`, strategies.InProgress, "", 0, "", 40, true, false},
		{"running, progress", `{"name":"operations/o","metadata":{"progress":12.5}}`, strategies.InProgress, "", 0, "", 12.5, true, false},
		{"progress not a number", `{"name":"operations/o","metadata":{"progress":{"done":3}}}`, strategies.InProgress, "", 0, "", 0, false, false},
		{"success", `{"name":"operations/o","done":true,"response":{"id":1}}`, strategies.Succeeded, "", 0, "", 0, false, false},
		{"done, neither", `{"name":"operations/o","done":true}`, strategies.Succeeded, "", 0, "", 0, false, false},
		{"not found", `{"name":"operations/o","done":true,"error":{"code":5,"message":"no such thing","details":[]}}`, strategies.Failed, "NOT_FOUND", 5, "no such thing", 0, false, false},
		{"cancelled", `{"name":"operations/o","done":true,"error":{"code":1,"message":"stopped"}}`, strategies.Canceled, "CANCELLED", 1, "stopped", 0, false, false},
		{"unknown code", `{"name":"operations/o","done":true,"error":{"code":99}}`, strategies.Failed, "CODE_99", 99, "", 0, false, false},
		{"code not an integer", `{"name":"operations/o","done":true,"error":{"code":"five"}}`, "", "", 0, "", 0, false, true},
		{"not an operation", `{"status":"RUNNING"}`, "", "", 0, "", 0, false, true},
		{"empty", ``, "", "", 0, "", 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := mustURL(t, "https://x.test/v1/operations/o")
			op := &strategies.Operation{Strategy: OperationsName, Method: "POST", PollURL: u.String(), Status: strategies.InProgress}
			err := Operations().Update(op, &strategies.Response{StatusCode: 200, Body: []byte(tc.body), URL: u})
			if tc.wantError {
				if !errors.Is(err, strategies.ErrInvalidBody) {
					t.Fatalf("Update err = %v, want ErrInvalidBody", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if op.Status != tc.status || op.ErrorCode != tc.code || op.ErrorNumber != tc.number || op.ErrorMessage != tc.message ||
				op.Progress != tc.progress || op.HasProgress != tc.hasProg {
				t.Errorf("Update = %+v, want status %s code %s (%d) message %q progress %v %t", op, tc.status, tc.code, tc.number, tc.message, tc.progress, tc.hasProg)
			}
			if r := Operations().Result(op, &strategies.Response{StatusCode: 200}); r != (strategies.Result{}) {
				t.Errorf("Result = %+v, want the final Operation itself", r)
			}
		})
	}
}

func TestOperationsCancel(t *testing.T) {
	t.Parallel()
	c, ok := Operations().(strategies.Canceler)
	if !ok {
		t.Fatal("Operations is not a Canceler")
	}
	method, target, err := c.CancelRequest(&strategies.Operation{PollURL: "https://x.test/v1/projects/p/operations/a+b="})
	if err != nil || method != http.MethodPost || target != "https://x.test/v1/projects/p/operations/a+b=:cancel" {
		t.Errorf("CancelRequest = %s %s %v", method, target, err)
	}
	if _, _, err := c.CancelRequest(&strategies.Operation{}); err == nil {
		t.Error("CancelRequest without a name: no error")
	}
}

func TestComputeStart(t *testing.T) {
	t.Parallel()
	const api = "https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instances"
	tests := []struct {
		name, method, body string
		status             int
		want               bool
		st                 strategies.Status
	}{
		{"zonal", "POST", `{"kind":"compute#operation","status":"RUNNING","selfLink":"/compute/v1/projects/p/zones/z/operations/o","targetLink":"/compute/v1/projects/p/zones/z/instances/vm"}`, 200, true, strategies.InProgress},
		{"global", "POST", `{"kind":"compute#operation","status":"PENDING","selfLink":"https://compute.googleapis.com/compute/v1/projects/p/global/operations/o"}`, 200, true, strategies.InProgress},
		{"done", "DELETE", `{"kind":"compute#operation","status":"DONE","selfLink":"https://compute.googleapis.com/compute/v1/projects/p/global/operations/o"}`, 200, true, strategies.Succeeded},
		{"another kind", "POST", `{"kind":"compute#instance","selfLink":"https://h/x"}`, 200, false, ""},
		{"kind mentioned elsewhere", "POST", `{"kind":"x","note":"compute#operation"}`, 200, false, ""},
		{"GET", "GET", `{"kind":"compute#operation","status":"RUNNING","selfLink":"https://h/o"}`, 200, false, ""},
		{"error status", "POST", `{"kind":"compute#operation","status":"RUNNING","selfLink":"https://h/o"}`, 400, false, ""},
	}
	for _, tc := range tests {
		op, err := Compute().Start(initial(t, tc.method, api, tc.status, tc.body))
		if err != nil {
			t.Errorf("%s: Start: %v", tc.name, err)
			continue
		}
		if (op != nil) != tc.want || op != nil && op.Status != tc.st {
			t.Errorf("%s: Start = %+v, want an operation %t with status %s", tc.name, op, tc.want, tc.st)
		}
	}
	op, err := Compute().Start(initial(t, "POST", api, 200, tests[0].body))
	if err != nil || op.PollURL != "https://compute.googleapis.com/compute/v1/projects/p/zones/z/operations/o" ||
		op.ResultURL != "https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances/vm" {
		t.Errorf("relative links: op %+v, err %v", op, err)
	}
	if _, err := Compute().Start(initial(t, "POST", api, 200, `{"kind":"compute#operation","status":"RUNNING"}`)); !errors.Is(err, strategies.ErrInvalidURL) {
		t.Errorf("no selfLink: err = %v, want ErrInvalidURL", err)
	}
	if _, ok := Compute().(strategies.Canceler); ok {
		t.Error("Compute is a Canceler; Compute operations cannot be canceled")
	}
}

func TestComputeUpdate(t *testing.T) {
	t.Parallel()
	self := "https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1"
	target := "https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instances/vm1"
	tests := []struct {
		name     string
		method   string
		body     string
		status   strategies.Status
		code     string
		number   int
		message  string
		progress float64
		result   string
	}{
		{"running", "POST", `{"kind":"compute#operation","status":"RUNNING","progress":30,"selfLink":"` + self + `","targetLink":"` + target + `"}`, strategies.InProgress, "", 0, "", 30, ""},
		{"done", "POST", `{"kind":"compute#operation","status":"DONE","progress":100,"selfLink":"` + self + `","targetLink":"` + target + `"}`, strategies.Succeeded, "", 0, "", 100, target},
		{"done delete", "DELETE", `{"kind":"compute#operation","status":"DONE","selfLink":"` + self + `","targetLink":"` + target + `"}`, strategies.Succeeded, "", 0, "", 0, ""},
		{"done with errors", "POST", `{"kind":"compute#operation","status":"DONE","selfLink":"` + self + `","httpErrorStatusCode":409,"httpErrorMessage":"CONFLICT",
"error":{"errors":[{"code":"RESOURCE_ALREADY_EXISTS","message":"vm1 already exists"},{"code":"X","message":"and more"}]}}`,
			strategies.Failed, "RESOURCE_ALREADY_EXISTS", 409, "vm1 already exists; and more", 0, ""},
		{"done, HTTP error only", "POST", `{"kind":"compute#operation","status":"DONE","selfLink":"` + self + `","httpErrorStatusCode":403,"httpErrorMessage":"FORBIDDEN"}`,
			strategies.Failed, "FORBIDDEN", 403, "FORBIDDEN", 0, ""},
		{"done, 2xx HTTP status", "POST", `{"kind":"compute#operation","status":"DONE","selfLink":"` + self + `","httpErrorStatusCode":200}`, strategies.Succeeded, "", 0, "", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := mustURL(t, self)
			op := &strategies.Operation{Strategy: ComputeName, Method: tc.method, PollURL: self, Status: strategies.InProgress}
			if err := Compute().Update(op, &strategies.Response{StatusCode: 200, Body: []byte(tc.body), URL: u}); err != nil {
				t.Fatal(err)
			}
			if op.Status != tc.status || op.ErrorCode != tc.code || op.ErrorNumber != tc.number || op.ErrorMessage != tc.message || op.Progress != tc.progress {
				t.Errorf("Update = %+v, want %s %s %d %q progress %v", op, tc.status, tc.code, tc.number, tc.message, tc.progress)
			}
			if op.Status == strategies.Succeeded {
				if got := Compute().Result(op, &strategies.Response{StatusCode: 200}).Get; got != tc.result {
					t.Errorf("Result.Get = %q, want %q", got, tc.result)
				}
			}
		})
	}
	op := &strategies.Operation{Strategy: ComputeName, Method: "POST", PollURL: self}
	if err := Compute().Update(op, &strategies.Response{StatusCode: 200, Body: []byte(`{"kind":"compute#instance"}`), URL: mustURL(t, self)}); !errors.Is(err, strategies.ErrInvalidBody) {
		t.Errorf("Update of another kind: err = %v, want ErrInvalidBody", err)
	}
}

func TestCodeName(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]string{0: "OK", 1: "CANCELLED", 5: "NOT_FOUND", 16: "UNAUTHENTICATED", 17: "CODE_17", -1: "CODE_-1"} {
		if got := CodeName(code); got != want {
			t.Errorf("CodeName(%d) = %q, want %q", code, got, want)
		}
	}
}
