package strategies

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ErrInvalidURL is wrapped by every error about a polling or result URL that
// lro will not use.
var ErrInvalidURL = errors.New("lro: invalid polling URL")

// MaxURLLength bounds the URLs lro follows and stores: a polling, result or
// redirect URL longer than this many bytes, as sent or once resolved, is
// refused with a URLError. Azure's LargeHeader cases use 6 KB URLs; common
// servers refuse request lines longer than 8 to 16 KB.
const MaxURLLength = 16 << 10

// URLError reports a URL from a header or body that cannot be used.
type URLError struct {
	// Source says where the URL came from: a header name, or a body field.
	Source string
	// URL is the value as the service sent it.
	URL string
	// Reason says what is wrong with it.
	Reason string
}

func (e *URLError) Error() string {
	return fmt.Sprintf("lro: invalid polling URL in %s %q: %s", e.Source, e.URL, e.Reason)
}

// Unwrap returns ErrInvalidURL.
func (e *URLError) Unwrap() error { return ErrInvalidURL }

// Resolve parses ref, a URL from the header or field named source, and
// resolves it against base (the URL of the response that carried it). The
// result must be an absolute http or https URL with a host, of at most
// MaxURLLength bytes. Its userinfo (user:password@) is dropped: lro never
// sends credentials found in a URL, nor stores them in a resume token.
func Resolve(base *url.URL, source, ref string) (*url.URL, error) {
	u, _, err := resolve(base, source, ref)
	return u, err
}

// ResolvedURL is a URL that ResolveURL accepted, parsed, with its print.
// Its zero value is no URL: String is "" and URL nil.
type ResolvedURL struct {
	s string
	u *url.URL
	// exact: u is url.Parse(s), field for field (not merely a URL that
	// prints as s), as it is when s is the ref as the service sent it.
	exact bool
}

// ResolveURL is Resolve, keeping the URL's print with it: what a strategy
// stores in an Operation (SetPollURL). The print is ref itself when ref
// already is the resolved URL's print, as most absolute URLs a service sends
// are; it is then not built again.
func ResolveURL(base *url.URL, source, ref string) (ResolvedURL, error) {
	u, printsAsRef, err := resolve(base, source, ref)
	if err != nil {
		return ResolvedURL{}, err
	}
	if printsAsRef {
		return ResolvedURL{s: ref, u: u, exact: true}, nil
	}
	return ResolvedURL{s: u.String(), u: u}, nil
}

// String returns the URL as text: u.String() for the URL u returns.
func (r ResolvedURL) String() string { return r.s }

// URL returns the URL parsed. It may be shared (by the transport's requests,
// say): callers must not modify it.
func (r ResolvedURL) URL() *url.URL { return r.u }

// resolve is Resolve; printsAsRef reports that u.String() is ref, known
// without printing u (printsAs).
func resolve(base *url.URL, source, ref string) (u *url.URL, printsAsRef bool, _ error) {
	if ref == "" {
		return nil, false, &URLError{Source: source, URL: ref, Reason: "empty"}
	}
	if len(ref) > MaxURLLength {
		return nil, false, &URLError{Source: source, URL: ref[:64] + "...", Reason: fmt.Sprintf("longer than %d bytes", MaxURLLength)}
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, false, &URLError{Source: source, URL: ref, Reason: "does not parse"}
	}
	if u.Scheme == "" && u.Host != "" && !hostParses(u.Host) {
		// A scheme-relative ref ("//::"): url.Parse checks a host's port
		// only when a scheme comes with it, so the resolved URL would print
		// as one that does not parse.
		return nil, false, &URLError{Source: source, URL: ref, Reason: "does not parse"}
	}
	parsed := true // u is url.Parse(ref)
	if base != nil && !resolvesToItself(u) {
		u, parsed = base.ResolveReference(u), false
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, false, &URLError{Source: source, URL: ref, Reason: "scheme is not http or https"}
	}
	if u.Host == "" {
		return nil, false, &URLError{Source: source, URL: ref, Reason: "no host"}
	}
	u.User = nil
	if parsed && printsAs(u, ref) {
		return u, true, nil // len(ref) <= MaxURLLength
	}
	if maxStringLen(u) > MaxURLLength && len(u.String()) > MaxURLLength {
		return nil, false, &URLError{Source: source, URL: ref[:min(len(ref), 64)] + "...", Reason: fmt.Sprintf("longer than %d bytes once resolved", MaxURLLength)}
	}
	return u, false, nil
}

// hostParses reports whether host, as url.Parse stored it, parses again as
// the host of an absolute URL: a port, if any, is digits after the last
// colon, and an IPv6 address is in brackets.
func hostParses(host string) bool {
	_, err := url.Parse("http://" + host)
	return err == nil
}

// resolvesToItself reports whether base.ResolveReference(ref) would be a
// copy of ref, whatever base: ref is absolute with a host, and its path is
// as it was sent (no RawPath) with no dot segment for ResolveReference to
// remove. Most URLs a service sends are, and then need no copy.
func resolvesToItself(ref *url.URL) bool {
	return ref.Scheme != "" && ref.Host != "" && ref.RawPath == "" && !strings.Contains(ref.Path, "/.")
}

// printsAs reports whether u, url.Parse(ref) with its userinfo dropped,
// prints as ref: u.String() == ref. It is false when unsure.
// It holds for a ref of the form scheme://host[/path][?query], with a
// lower-case scheme, a host of plain bytes, no userinfo, no fragment and a
// path as sent.
func printsAs(u *url.URL, ref string) bool {
	if u.Opaque != "" || u.RawPath != "" || u.OmitHost || u.Fragment != "" || strings.IndexByte(ref, '#') >= 0 {
		return false
	}
	n, h := len(u.Scheme), len(u.Host)
	if len(ref) < n+3+h || ref[:n] != u.Scheme || ref[n:n+3] != "://" || ref[n+3:n+3+h] != u.Host {
		return false
	}
	if rest := ref[n+3+h:]; rest != "" && rest[0] != '/' && rest[0] != '?' {
		return false // userinfo, say
	}
	for i := 0; i < h; i++ {
		if !plainHostByte(u.Host[i]) {
			return false
		}
	}
	return true
}

// plainHostByte reports whether a host byte stands for itself in a URL:
// parsing does not unescape it and printing does not escape it.
func plainHostByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '-' || c == '_' || c == '~' || c == ':' || c == '[' || c == ']'
}

// maxStringLen bounds len(u.String()) for a URL without userinfo, without
// building the string: escaping at most triples a byte. Most URLs are far
// below MaxURLLength and need no String.
func maxStringLen(u *url.URL) int {
	n := len(u.Scheme) + len(u.RawQuery) + len(u.Opaque) + 8
	return n + 3*(len(u.Host)+len(u.Path)+len(u.RawPath)+len(u.Fragment)+len(u.RawFragment))
}

// MoveToLocation is the Location protocol's step for a poll answered 202
// Accepted: the operation is still in progress, and polling moves to the
// answer's Location header when it names one (resolved against resp.URL).
// It leaves op unchanged for any other status. The error is Resolve's, for
// a Location that is not a valid URL.
func MoveToLocation(op *Operation, resp *Response) error {
	if resp.StatusCode != http.StatusAccepted {
		return nil
	}
	op.Status = InProgress
	if v := resp.Header.Get("Location"); v != "" {
		u, err := ResolveURL(resp.URL, "Location", v)
		if err != nil {
			return err
		}
		op.SetPollURL(u)
	}
	return nil
}
