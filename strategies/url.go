package strategies

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	if ref == "" {
		return nil, &URLError{Source: source, URL: ref, Reason: "empty"}
	}
	if len(ref) > MaxURLLength {
		return nil, &URLError{Source: source, URL: ref[:64] + "...", Reason: fmt.Sprintf("longer than %d bytes", MaxURLLength)}
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, &URLError{Source: source, URL: ref, Reason: "does not parse"}
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &URLError{Source: source, URL: ref, Reason: "scheme is not http or https"}
	}
	if u.Host == "" {
		return nil, &URLError{Source: source, URL: ref, Reason: "no host"}
	}
	u.User = nil
	if maxStringLen(u) > MaxURLLength && len(u.String()) > MaxURLLength {
		return nil, &URLError{Source: source, URL: ref[:min(len(ref), 64)] + "...", Reason: fmt.Sprintf("longer than %d bytes once resolved", MaxURLLength)}
	}
	return u, nil
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
		u, err := Resolve(resp.URL, "Location", v)
		if err != nil {
			return err
		}
		op.PollURL = u.String()
	}
	return nil
}
