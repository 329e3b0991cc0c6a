// Package repeatget implements "202 Accepted, ask again later" for GET:
// a GET answered 202 with no Location means the service is still computing
// the answer, and the client must repeat the same GET until it answers
// something else. GitHub's repository statistics
// (/repos/{owner}/{repo}/stats/*) work this way: the first GET starts the
// computation and answers 202 {}, a later one 200 with the statistics.
//
// The strategy repeats the request's URL (with its headers, minus
// conditional ones, as every poll) until an answer is not a 202; that
// answer is the result. It reads no body: the answer is the service's.
//
// Where it applies: only to GET, only without a Location header (a
// Location makes it the Location protocol, for the default chain), and only
// on the hosts or paths a user names (New). It is never in the default
// chain: for most services a 202 to a GET is an answer of its own, and
// repeating it would change what callers get. GitHub, for example:
//
//	repeatget.New("api.github.com/repos/*/*/stats/*")
package repeatget

import (
	"net/http"
	"net/url"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// Name is the strategy's name in resume tokens.
const Name = "repeat-get"

// Strategy repeats a GET answered 202. Create it with New.
type Strategy struct {
	patterns []string
}

// New returns the strategy for GETs whose URL matches one of patterns
// (strategies.MatchURL: a host, with its subdomains, optionally followed by
// a path pattern such as "/repos/*/*/stats/*"). With no patterns it applies
// nowhere.
func New(patterns ...string) *Strategy {
	return &Strategy{patterns: append([]string(nil), patterns...)}
}

// Name returns "repeat-get".
func (*Strategy) Name() string { return Name }

// Applies reports whether the response is a 202 without a Location to a
// GET of a URL the strategy was given.
func (s *Strategy) Applies(method string, u *url.URL, statusCode int, header http.Header) bool {
	if method != http.MethodGet || statusCode != http.StatusAccepted || detect.HasHeader(header, detect.HeaderLocation) {
		return false
	}
	for _, p := range s.patterns {
		if strategies.MatchURL(p, u) {
			return true
		}
	}
	return false
}

// Start polls the request's own URL.
func (*Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	if init.Method != http.MethodGet || init.Response.StatusCode != http.StatusAccepted {
		return nil, nil
	}
	u := init.URL.String()
	return &strategies.Operation{Strategy: Name, Method: init.Method, URL: u, PollURL: u, Status: strategies.InProgress}, nil
}

// Update reads one answer: a 202 means "still computing", anything else
// (the transport hands Update only 2xx answers) is the result.
func (*Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	op.Status = strategies.InProgress
	if resp.StatusCode != http.StatusAccepted {
		op.Status = strategies.Succeeded
	}
	return nil
}

// Result returns the zero Result: the answer that was not a 202 is the
// result.
func (*Strategy) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{}
}
