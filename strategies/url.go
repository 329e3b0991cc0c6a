package strategies

import (
	"errors"
	"fmt"
	"net/url"
)

// ErrInvalidURL is wrapped by every error about a polling or result URL that
// lro will not use.
var ErrInvalidURL = errors.New("lro: invalid polling URL")

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
// result must be an absolute http or https URL with a host.
func Resolve(base *url.URL, source, ref string) (*url.URL, error) {
	if ref == "" {
		return nil, &URLError{Source: source, URL: ref, Reason: "empty"}
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
	return u, nil
}
