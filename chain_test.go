package lro

import (
	"net/http"
	"net/url"
	"testing"
)

// azureStarts is the rule set the Azure strategies of the default chain
// apply between them, written out once more as a reference: only 200, 201
// and 202 can start an operation; a monitor header on them always may (for
// 202, Location too); PUT and PATCH answered 200 or 201 may by their body.
func azureStarts(method string, status int, ol, aao, loc string) bool {
	monitor := ol != "" || aao != ""
	switch {
	case status == 202 && (monitor || loc != ""):
		return true
	case (status == 200 || status == 201) && monitor:
		return true
	case (status == 200 || status == 201) && (method == http.MethodPut || method == http.MethodPatch):
		return true
	}
	return false
}

func chainApplies(method, rawURL string, status int, h http.Header) bool {
	cfg := defaultConfig()
	for _, s := range cfg.chain {
		if s.Applies(method, mustURL(rawURL), status, h) {
			return true
		}
	}
	return false
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestDefaultChainApplies(t *testing.T) {
	t.Parallel()
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	const u = "https://svc.example.com/ops/1"
	tests := []struct {
		method string
		url    string
		status int
		h      http.Header
		want   bool
	}{
		{"PUT", u, 202, hdr("Operation-Location", u), true},
		{"POST", u, 202, hdr("Azure-AsyncOperation", u), true},
		{"DELETE", u, 202, hdr("Location", u), true},
		{"GET", u, 202, hdr("location", u), true},
		{"POST", u, 202, nil, false},
		{"POST", u, 202, hdr("Operation-Location", ""), false},
		{"PUT", u, 201, hdr("Operation-Location", u), true},
		{"POST", u, 200, hdr("Azure-AsyncOperation", u), true},
		{"PUT", u, 201, hdr("Location", u), true}, // by body: provisioningState
		{"POST", u, 201, hdr("Location", u), false},
		{"PUT", u, 200, nil, true},
		{"PATCH", u, 201, nil, true},
		{"POST", u, 200, nil, false},
		{"DELETE", u, 200, nil, false},
		{"GET", u, 200, nil, false},
		{"PUT", u, 204, hdr("Operation-Location", u), false},
		{"PUT", u, 302, hdr("Location", u), false},
		{"PUT", u, 303, hdr("Operation-Location", u), false},
		{"PUT", u, 400, hdr("Operation-Location", u), false},
		{"POST", u, 500, hdr("Azure-AsyncOperation", u), false},
		// Google's strategies: any 2xx with a body to a request that
		// does not only read, on hosts under googleapis.com only.
		{"POST", "https://speech.googleapis.com/v1/speech:longrunningrecognize", 200, nil, true},
		{"DELETE", "https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances/vm", 200, nil, true},
		{"POST", "https://googleapis.com/v1/x", 201, nil, true},
		{"GET", "https://speech.googleapis.com/v1/operations/1", 200, nil, false},
		{"POST", "https://speech.googleapis.com/v1/x", 204, nil, false},
		{"POST", "https://speech.googleapis.com/v1/x", 400, nil, false},
		{"POST", "https://evilgoogleapis.com/v1/x", 200, nil, false},
		{"POST", "https://googleapis.com.example.net/v1/x", 200, nil, false},
	}
	for _, tc := range tests {
		if got := chainApplies(tc.method, tc.url, tc.status, tc.h); got != tc.want {
			t.Errorf("default chain applies to %s %s → %d %v = %t, want %t", tc.method, tc.url, tc.status, tc.h, got, tc.want)
		}
	}
}

// FuzzDefaultChainApplies: on a host that is not Google's, the default
// chain applies exactly where azureStarts says, and never panics.
func FuzzDefaultChainApplies(f *testing.F) {
	f.Add("PUT", 201, "https://h/op", "", "")
	f.Add("POST", 202, "", "", "/status")
	f.Add("PATCH", 200, "", "", "")
	f.Add("DELETE", 204, "x", "y", "z")
	f.Fuzz(func(t *testing.T, method string, status int, ol, aao, loc string) {
		h := http.Header{}
		for k, v := range map[string]string{"Operation-Location": ol, "Azure-AsyncOperation": aao, "Location": loc} {
			if v != "" {
				h.Set(k, v)
			}
		}
		got := chainApplies(method, "https://svc.example.com/r", status, h)
		if want := azureStarts(method, status, ol, aao, loc); got != want {
			t.Fatalf("default chain applies to %q %d %v = %t, want %t", method, status, h, got, want)
		}
	})
}
