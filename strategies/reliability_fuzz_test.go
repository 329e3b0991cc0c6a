package strategies_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/lrohttp/lro/strategies"
)

// FuzzParseStatusBody: any status body gives fields or one of the three
// documented errors, never a panic; a body accepted has a string status.
func FuzzParseStatusBody(f *testing.F) {
	f.Add([]byte(`{"status":"Running","percentComplete":50}`))
	f.Add([]byte(`{"status":"Failed","error":{"code":"X","message":"m"}}`))
	f.Add([]byte(`{"status": 1}`))
	f.Add([]byte(`{"status": "Runn`))
	f.Add([]byte(`   `))
	f.Add([]byte(`{"status":"Succeeded","resourceLocation":"https://h/r"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fields, err := strategies.ParseStatusBody(body)
		if err != nil {
			if !errors.Is(err, strategies.ErrEmptyBody) && !errors.Is(err, strategies.ErrInvalidBody) && !errors.Is(err, strategies.ErrNoStatus) {
				t.Fatalf("ParseStatusBody(%q): undocumented error %v", body, err)
			}
			return
		}
		if !fields.HasStatus {
			t.Fatalf("ParseStatusBody(%q) accepted a body without status: %+v", body, fields)
		}
		switch s := strategies.ParseStatus(fields.Status); s {
		case strategies.InProgress, strategies.Succeeded, strategies.Failed, strategies.Canceled:
		default:
			t.Fatalf("ParseStatus(%q) = %q", fields.Status, s)
		}
	})
}

// FuzzResolve: a URL Resolve accepts is absolute http(s) with a host, no
// userinfo, at most MaxURLLength bytes, and resolves again to itself (a
// token stores it as text and Resume parses it back).
func FuzzResolve(f *testing.F) {
	f.Add("https://svc.example.com/res/1?api-version=2024-01-01", "/ops/1?x=y")
	f.Add("https://svc.example.com/", "https://u:p@other.example.com/ops")
	f.Add("http://h/a/b", "../c")
	f.Add("https://h/", "ftp://h/x")
	f.Add("https://h/", "//other/x")
	f.Add("https://h/", "https://h/"+strings.Repeat("a", strategies.MaxURLLength))
	f.Fuzz(func(t *testing.T, base, ref string) {
		b, err := url.Parse(base)
		if err != nil {
			b = nil
		}
		u, err := strategies.Resolve(b, "fuzz", ref)
		if err != nil {
			if !errors.Is(err, strategies.ErrInvalidURL) {
				t.Fatalf("Resolve: %v does not wrap ErrInvalidURL", err)
			}
			if len(err.Error()) > 2*strategies.MaxURLLength+len(base)+256 {
				t.Fatalf("error message of %d bytes", len(err.Error()))
			}
			return
		}
		s := u.String()
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(s) > strategies.MaxURLLength {
			t.Fatalf("Resolve(%q, %q) = %q", base, ref, s)
		}
		again, err := strategies.Resolve(nil, "fuzz", s)
		if err != nil {
			t.Fatalf("Resolve(%q) again: %v", s, err)
		}
		if again.String() != s {
			t.Fatalf("Resolve(%q) again = %q", s, again.String())
		}
	})
}
