package strategies

import (
	"net/url"
	"path"
	"strings"
)

// MatchHost reports whether host (a URL's Hostname, without port) matches
// pattern: "*" matches every host; any other pattern is a domain that
// matches itself and its subdomains, as HostUnder does (a leading "*." is
// allowed and means the same). Case is ignored. It does not allocate.
func MatchHost(pattern, host string) bool {
	if pattern == "*" {
		return host != ""
	}
	return HostUnder(host, strings.TrimPrefix(pattern, "*."))
}

// MatchURL reports whether u matches pattern, a host pattern (MatchHost)
// optionally followed by a path pattern: "api.github.com" matches every
// path on api.github.com and its subdomains, and
// "api.github.com/repos/*/*/stats/*" only the paths path.Match accepts
// ("*" stands for one path segment). A malformed path pattern matches
// nothing. u's escaped path is matched.
func MatchURL(pattern string, u *url.URL) bool {
	if u == nil {
		return false
	}
	host, p, hasPath := strings.Cut(pattern, "/")
	if !MatchHost(host, u.Hostname()) {
		return false
	}
	if !hasPath {
		return true
	}
	ok, err := path.Match("/"+p, u.EscapedPath())
	return err == nil && ok
}

// Redirected reports whether resp, a poll of pollURL, came from another URL:
// the transport followed a redirect (a 302 or 303 from a status monitor, say)
// and resp is the answer of the last hop. Scheme, host and path are
// compared; the query is not, since lro may add api-version to a poll.
func Redirected(pollURL string, resp *Response) bool {
	if resp == nil || resp.URL == nil {
		return false
	}
	p, err := url.Parse(pollURL)
	if err != nil {
		return false
	}
	return !strings.EqualFold(p.Scheme, resp.URL.Scheme) || !strings.EqualFold(p.Host, resp.URL.Host) ||
		p.EscapedPath() != resp.URL.EscapedPath()
}
