package lrotest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lrohttp/lro/lrotest"
)

// step is one request of a scripted exchange and the answer it must get.
type step struct {
	method string
	// url is "" for the resource URL, "?query" for the resource URL with
	// a query, "@Name" for header Name of the previous answer (resolved
	// against the previous request URL), and a path under the server URL
	// otherwise.
	url    string
	status int
	// header values must match exactly; "" means the header is absent.
	// "{base}" stands for the server URL.
	header map[string]string
	// body must match exactly ("{base}" stands for the server URL); ""
	// means an empty body.
	body string
}

// noRedirect returns a client of s that does not follow redirects.
func noRedirect(s *lrotest.Server) *http.Client {
	c := s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// play sends the steps in order and checks every answer.
func play(t *testing.T, c *http.Client, base, resource string, steps []step) {
	t.Helper()
	prev, _ := url.Parse(resource)
	var prevHeader http.Header
	for i, st := range steps {
		target := resolve(t, base, resource, prev, prevHeader, st.url)
		status, header, body := do(t, c, st.method, target.String())
		if status != st.status {
			t.Errorf("step %d: %s %s: status = %d, want %d (body %s)", i, st.method, target, status, st.status, body)
		}
		for name, want := range st.header {
			want = strings.ReplaceAll(want, "{base}", base)
			if got := header.Get(name); got != want {
				t.Errorf("step %d: %s %s: header %s = %q, want %q", i, st.method, target, name, got, want)
			}
		}
		if want := strings.ReplaceAll(st.body, "{base}", base); body != want {
			t.Errorf("step %d: %s %s: body = %s, want %s", i, st.method, target, body, want)
		}
		prev, prevHeader = target, header
	}
}

func resolve(t *testing.T, base, resource string, prev *url.URL, h http.Header, ref string) *url.URL {
	t.Helper()
	var s string
	switch {
	case ref == "" || strings.HasPrefix(ref, "?"):
		s = resource + ref
	case strings.HasPrefix(ref, "@"):
		v := h.Get(ref[1:])
		if v == "" {
			t.Fatalf("previous answer has no %s header", ref[1:])
		}
		u, err := prev.Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		return u
	default:
		s = base + ref
	}
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// do sends one request and returns the status, headers and body.
func do(t *testing.T, c *http.Client, method, target string) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPut || method == http.MethodPatch || method == http.MethodPost {
		body = strings.NewReader(`{"location":"westus"}`)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, target, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// doc is the default resource document of op1 in a state.
func doc(state string) string {
	return `{"id":"/resources/op1","name":"op1","properties":{"provisioningState":"` + state + `"}}`
}

// get is a step that GETs url and expects status and body.
func get(url string, status int, body string) step {
	return step{method: http.MethodGet, url: url, status: status, body: body}
}
