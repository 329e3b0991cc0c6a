package strategies

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		want    Fields
		wantErr error
	}{
		{`{"status":"Running","percentComplete":42.5,"resourceLocation":"/r/1"}`,
			Fields{Status: "Running", HasStatus: true, PercentComplete: 42.5, HasPercentComplete: true, ResourceLocation: "/r/1"}, nil},
		{`{"properties":{"provisioningState":"Creating"}}`, Fields{ProvisioningState: "Creating", HasProvisioningState: true}, nil},
		{`{"status":"Failed","error":{"code":"Boom","message":"it broke","details":[]}}`,
			Fields{Status: "Failed", HasStatus: true, ErrorCode: "Boom", ErrorMessage: "it broke"}, nil},
		{`{"status":"Failed","error":{"code":409,"message":"busy"}}`,
			Fields{Status: "Failed", HasStatus: true, ErrorNumber: 409, ErrorMessage: "busy"}, nil},
		{`{"status":1,"properties":[],"resourceLocation":2,"percentComplete":"x","error":"e"}`, Fields{}, nil},
		{`{"properties":{"provisioningState":null}}`, Fields{}, nil},
		{`{"status":"\u0053ucceeded"}`, Fields{Status: "Succeeded", HasStatus: true}, nil},
		{``, Fields{}, ErrEmptyBody},
		{" \n\t ", Fields{}, ErrEmptyBody},
		{`{"status":`, Fields{}, ErrInvalidBody},
		{`["status"]`, Fields{}, ErrInvalidBody},
		{`"Succeeded"`, Fields{}, ErrInvalidBody},
		{`<xml/>`, Fields{}, ErrInvalidBody},
	}
	for _, tc := range tests {
		got, err := ParseFields([]byte(tc.body))
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
			t.Errorf("ParseFields(%q) error = %v, want %v", tc.body, err, tc.wantErr)
		}
		if tc.wantErr == nil && got != tc.want {
			t.Errorf("ParseFields(%q) = %+v, want %+v", tc.body, got, tc.want)
		}
	}
}

// TestFieldsState: "status" wins over properties.provisioningState, a
// non-string one is absent, and a body with neither declares no state.
func TestFieldsState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		st      Status
		service string
		ok      bool
	}{
		{`{"status":"Succeeded"}`, Succeeded, "Succeeded", true},
		{`{"status":"failed"}`, Failed, "failed", true},
		{`{"status":"Cancelled"}`, Canceled, "Cancelled", true},
		{`{"status":"Running"}`, InProgress, "Running", true},
		{`{"properties":{"provisioningState":"Succeeded"}}`, Succeeded, "Succeeded", true},
		{`{"status":"Running","properties":{"provisioningState":"Succeeded"}}`, InProgress, "Running", true},
		{`{"status":5,"properties":{"provisioningState":"Canceled"}}`, Canceled, "Canceled", true},
		{`{"id":"x"}`, "", "", false},
	}
	for _, tc := range tests {
		f, err := ParseFields([]byte(tc.body))
		if err != nil {
			t.Fatalf("ParseFields(%s): %v", tc.body, err)
		}
		st, svc, ok := f.State()
		if st != tc.st || svc != tc.service || ok != tc.ok {
			t.Errorf("State of %s = %q, %q, %v; want %q, %q, %v", tc.body, st, svc, ok, tc.st, tc.service, tc.ok)
		}
	}
}

func TestParseStatusBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		wantErr error
	}{
		{`{"status":"Running"}`, nil},
		{`{"status":""}`, nil},
		{`{"state":"Running"}`, ErrNoStatus},
		{`{"status":true}`, ErrNoStatus},
		{`{"status":null}`, ErrNoStatus},
		{`{"properties":{"provisioningState":"Succeeded"}}`, ErrNoStatus},
		{``, ErrEmptyBody},
		{`nope`, ErrInvalidBody},
	}
	for _, tc := range tests {
		_, err := ParseStatusBody([]byte(tc.body))
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
			t.Errorf("ParseStatusBody(%q) error = %v, want %v", tc.body, err, tc.wantErr)
		}
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	tests := map[string]Status{
		"Succeeded": Succeeded, "succeeded": Succeeded, "SUCCEEDED": Succeeded,
		"Failed": Failed, "failed": Failed,
		"Canceled": Canceled, "Cancelled": Canceled, "CANCELLED": Canceled, "canceled": Canceled,
		"Running": InProgress, "InProgress": InProgress, "Accepted": InProgress, "Creating": InProgress,
		"NotStarted": InProgress, "": InProgress, "Succeeded ": InProgress,
	}
	for in, want := range tests {
		if got := ParseStatus(in); got != want {
			t.Errorf("ParseStatus(%q) = %q, want %q", in, got, want)
		}
	}
	for s, terminal := range map[Status]bool{InProgress: false, Succeeded: true, Failed: true, Canceled: true, "": false} {
		if s.Terminal() != terminal {
			t.Errorf("%q.Terminal() = %v, want %v", s, s.Terminal(), terminal)
		}
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://svc.example.com/a/b?api-version=1")
	tests := []struct {
		ref  string
		want string // "" means an error wrapping ErrInvalidURL
	}{
		{"https://other.example.net/ops/1?x=y", "https://other.example.net/ops/1?x=y"},
		{"/ops/1", "https://svc.example.com/ops/1"},
		{"ops/1", "https://svc.example.com/a/ops/1"},
		{"../ops/1", "https://svc.example.com/ops/1"},
		{"?x=1", "https://svc.example.com/a/b?x=1"},
		{"//cdn.example.org/s", "https://cdn.example.org/s"},
		{"http://svc.example.com/ops/1", "http://svc.example.com/ops/1"},
		{"", ""},
		{"ftp://svc.example.com/ops/1", ""},
		{"mailto:x@example.com", ""},
		{"https://svc.example.com/%zz", ""},
		{"http://[::1", ""},
		{"https:///no-host", ""},
		{"//::", ""},      // url.Parse accepts it without a scheme, not with one
		{"//h:1:2/x", ""}, // likewise
		{"//h:8443/x", "https://h:8443/x"},
		{"//[::1]:80/x", "https://[::1]:80/x"},
	}
	for _, tc := range tests {
		got, err := Resolve(base, "Operation-Location", tc.ref)
		if tc.want == "" {
			var ue *URLError
			if err == nil || !errors.Is(err, ErrInvalidURL) || !errors.As(err, &ue) || ue.Source != "Operation-Location" {
				t.Errorf("Resolve(%q) = %v, %v; want a *URLError from Operation-Location", tc.ref, got, err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", tc.ref, got, err, tc.want)
		}
	}
	if _, err := Resolve(nil, "Location", "/relative"); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("Resolve(nil, relative) error = %v, want ErrInvalidURL", err)
	}
}

// An invalid body's error shows its first bytes, quoted, and no more than
// bodyStartLen of them.
func TestParseFieldsErrorShowsBodyStart(t *testing.T) {
	t.Parallel()
	long := "<html>" + strings.Repeat("x", 100)
	tests := []struct{ body, want string }{
		{`<html>Bad Gateway</html>`, `; the body starts "<html>Bad Gateway</html>"`},
		{long, `; the body starts "` + long[:bodyStartLen] + `"…`},
		{"{\"status\":\"Run\n", `; the body starts "{\"status\":\"Run\n"`},
	}
	for _, tc := range tests {
		_, err := ParseFields([]byte(tc.body))
		if !errors.Is(err, ErrInvalidBody) || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("ParseFields(%q) = %v, want ErrInvalidBody ending %s", tc.body, err, tc.want)
		}
	}
}
