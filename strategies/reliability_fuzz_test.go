package strategies_test

import (
	"errors"
	"net/url"
	"reflect"
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
// token stores it as text and Resume parses it back). Resolve, which skips
// ResolveReference for most absolute refs, gives the URL, field for field,
// that url.Parse and ResolveReference give (resolveReference); ResolveURL's
// print is the URL's; and the URL an Operation keeps (ParsedPollURL) is
// url.Parse of its PollURL, field for field.
func FuzzResolve(f *testing.F) {
	f.Add("https://svc.example.com/res/1?api-version=2024-01-01", "/ops/1?x=y")
	f.Add("https://svc.example.com/", "https://u:p@other.example.com/ops")
	f.Add("http://h/a/b", "../c")
	f.Add("https://h/", "ftp://h/x")
	f.Add("https://h/", "//other/x")
	f.Add("https://h/", "https://h/"+strings.Repeat("a", strategies.MaxURLLength))
	f.Add("https://h/a", "https://H:8443/b/./c/../d?x=1&y")
	f.Add("https://h/a", "https://[::1]:80/a%2Fb?")
	f.Add("https://h/a", "HTTPS://h/a b#f")
	f.Add("https://h/a", "https://u@h/x")
	f.Fuzz(func(t *testing.T, base, ref string) {
		b, err := url.Parse(base)
		if err != nil {
			b = nil
		}
		u, err := strategies.Resolve(b, "fuzz", ref)
		if want, werr := resolveReference(b, ref); (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(u, want) {
			t.Fatalf("Resolve(%q, %q) = %#v, %v; url.Parse and ResolveReference give %#v, %v", base, ref, u, err, want, werr)
		}
		r, rerr := strategies.ResolveURL(b, "fuzz", ref)
		if (err == nil) != (rerr == nil) || err == nil && (r.String() != u.String() || !reflect.DeepEqual(r.URL(), u)) {
			t.Fatalf("ResolveURL(%q, %q) = %q, %v; Resolve gives %v, %v", base, ref, r.String(), rerr, u, err)
		}
		if err == nil {
			var op strategies.Operation
			op.SetPollURL(r)
			if p := op.ParsedPollURL(); p != nil {
				if want, perr := url.Parse(op.PollURL); perr != nil || !reflect.DeepEqual(p, want) {
					t.Fatalf("ParsedPollURL() = %#v for PollURL %q; url.Parse gives %#v, %v", p, op.PollURL, want, perr)
				}
			}
			if op.PollURL != r.String() {
				t.Fatalf("SetPollURL: PollURL = %q, want %q", op.PollURL, r.String())
			}
		}
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

// resolveReference is Resolve as it was before it skipped ResolveReference:
// the reference for FuzzResolve. err is non-nil when Resolve must fail.
func resolveReference(base *url.URL, ref string) (*url.URL, error) {
	if ref == "" || len(ref) > strategies.MaxURLLength {
		return nil, errors.New("empty or long")
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "" && u.Host != "" {
		if _, err := url.Parse("http:" + ref); err != nil {
			return nil, err // a scheme-relative ref whose host does not parse with a scheme
		}
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("not http(s) with a host")
	}
	u.User = nil
	if len(u.String()) > strategies.MaxURLLength {
		return nil, errors.New("long once resolved")
	}
	return u, nil
}
