package strategies

import (
	"net/http"
	"net/url"
	"testing"
)

// any202 applies to every 202 and can cancel.
type any202 struct{}

func (any202) Name() string { return "any" }
func (any202) Applies(_ string, _ *url.URL, status int, _ http.Header) bool {
	return status == http.StatusAccepted
}
func (any202) Start(*Initial) (*Operation, error)  { return nil, nil }
func (any202) Update(*Operation, *Response) error  { return nil }
func (any202) Result(*Operation, *Response) Result { return Result{} }
func (any202) CancelRequest(*Operation) (string, string, error) {
	return "POST", "https://x/cancel", nil
}

type noCancel struct{ Strategy }

func TestOnHosts(t *testing.T) {
	t.Parallel()
	s := OnHosts(any202{}, "example.com", "svc.test")
	tests := []struct {
		url    string
		status int
		want   bool
	}{
		{"https://example.com/x", 202, true},
		{"https://api.example.com:8443/x", 202, true},
		{"https://svc.test/x", 202, true},
		{"https://example.org/x", 202, false},
		{"https://example.com/x", 200, false},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.url)
		if got := s.Applies("POST", u, tc.status, nil); got != tc.want {
			t.Errorf("Applies(%s, %d) = %t, want %t", tc.url, tc.status, got, tc.want)
		}
	}
	if s.Applies("POST", nil, 202, nil) {
		t.Error("Applies with no URL = true")
	}
	if s.Name() != "any" {
		t.Errorf("Name = %q, want the strategy's own", s.Name())
	}
	if _, ok := s.(Canceler); !ok {
		t.Error("a scoped Canceler is no longer a Canceler")
	}
	if _, ok := OnHosts(noCancel{any202{}}, "example.com").(Canceler); ok {
		t.Error("a scoped strategy that cannot cancel became a Canceler")
	}
}

// Not parallel: AllocsPerRun refuses to run beside parallel tests.
func TestOnHostsAllocations(t *testing.T) {
	s := OnHosts(any202{}, "example.com")
	for _, raw := range []string{"https://api.example.com/x", "https://other.test/x"} {
		u, _ := url.Parse(raw)
		if n := testing.AllocsPerRun(100, func() { s.Applies("POST", u, 202, nil) }); n != 0 {
			t.Errorf("Applies(%s) allocates %v times, want 0", raw, n)
		}
	}
}
