package lro

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/body"
	"github.com/lrohttp/lro/strategies/google"
	"github.com/lrohttp/lro/strategies/graph"
	"github.com/lrohttp/lro/strategies/location"
	"github.com/lrohttp/lro/strategies/monitor"
)

// DefaultStrategies returns the built-in chain, in order of precedence:
//
//  1. Azure-AsyncOperation. ARM services send it with a Location header
//     that, for them, names the result of a POST, not a status URL; the
//     monitor must win over that Location.
//  2. Operation-Location. The same reasoning for Azure data-plane services,
//     which may send Location as the result URL too.
//  3. Microsoft Graph (graph.New), only on Graph's hosts (graph.Hosts:
//     graph.microsoft.com, sharepoint.com, api.onedrive.com). Graph's 202
//     names its status resource in Location, but that resource speaks
//     Graph's status words (a "completed" 202, a "failed" 200), which the
//     Location strategy would misread; so it goes before Location, and only
//     where a 202's Location is known to be Graph's.
//  4. Location. Alone, it is the status URL of the 202-Accepted pattern.
//  5. properties.provisioningState in the body. It is only the protocol
//     when no header names a monitor, as ARM's PUT and PATCH rules say.
//  6. Google Compute Engine operations (google.Compute), and
//  7. Google AIP-151 operations (google.Operations), only on hosts under
//     googleapis.com. Both are detected by the body alone, which is safe to
//     read as an operation only where Google serves it; on any other host
//     they apply only when added to a chain by hand. Google sends none of
//     the headers above, so they come after the Azure strategies; Compute
//     comes first as the stricter test (its "kind" names it), though an
//     AIP-151 body never has a "kind".
//
// The header strategies apply on any host: their headers are the
// protocols' own signals. A header that is present but invalid does not stop
// the chain: the next strategy gets its turn, and the error surfaces only if
// none applies. A header naming a forbidden URL (ErrForbiddenURL) is the
// exception: it ends the chain with that error, since the answer that named
// it is not to be trusted under another protocol either.
func DefaultStrategies() []strategies.Strategy {
	return []strategies.Strategy{
		monitor.AzureAsyncOperation(),
		monitor.OperationLocation(),
		strategies.OnHosts(graph.New(), graph.Hosts...),
		location.New(),
		body.New(),
		strategies.OnHosts(google.Compute(), googleHosts),
		strategies.OnHosts(google.Operations(), googleHosts),
	}
}

// googleHosts is the domain Google's strategies apply under by default.
const googleHosts = "googleapis.com"

// start asks the chain, in order, whether resp (the answer to req) starts
// an operation. The first strategy that Applies and whose Start returns an
// Operation owns it. The body is peeked (read and put back) only once a
// strategy applies, so a response no strategy applies to costs nothing.
// op is nil when resp passes through; its body then reads as it came. err
// is the first error a strategy gave when none started an operation, or at
// once the refusal of a forbidden URL (ErrForbiddenURL), which ends the chain.
// pollURL is op.PollURL parsed (by checkStart), for the run's first poll.
func (c *config) start(req *http.Request, resp *http.Response) (_ strategies.Strategy, _ *strategies.Operation, peeked []byte, pollURL *url.URL, _ error) {
	var (
		in   *initial
		errs []error
	)
	for _, s := range c.chain {
		if !s.Applies(req.Method, req.URL, resp.StatusCode, resp.Header) {
			continue
		}
		if in == nil {
			if resp.Body == nil {
				resp.Body = http.NoBody
			}
			peeked, in = peekBody(resp)
			if !in.fill(c, req, resp, peeked) {
				return nil, nil, nil, nil, nil // no token could resume it: pass through
			}
		}
		op, err := s.Start(&in.init)
		if err == nil && op != nil {
			pollURL, err = c.checkStart(s, &in.init, op)
		}
		if err != nil && errors.Is(err, ErrForbiddenURL) {
			// A server that names a forbidden URL gets no second chance
			// through another protocol its answer also fits (a
			// provisioningState beside a refused monitor, say): the
			// refusal is the outcome.
			return nil, nil, nil, nil, err
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if op != nil {
			return s, op, peeked, pollURL, nil
		}
	}
	return nil, nil, nil, nil, errors.Join(errs...)
}

// initial is what Start reads: the request and its response. Initial and
// its Response escape to the strategies; peekBody allocates them with the
// body's replay.
type initial struct {
	init strategies.Initial
	resp strategies.Response
}

// fill sets in to the initial response as strategies see it. It is false
// when req's URL is too long for a resume token to hold.
func (in *initial) fill(c *config, req *http.Request, resp *http.Response, peeked []byte) bool {
	u := req.URL
	if u.User != nil { // a token never holds the URL's credentials
		u2 := *u
		u2.User = nil
		u = &u2
	}
	if maxURLLen(u) > strategies.MaxURLLength && len(u.String()) > strategies.MaxURLLength {
		return false
	}
	in.init = strategies.Initial{Method: req.Method, URL: u, FinalStateVia: string(c.finalStateVia), Response: &in.resp}
	in.resp = strategies.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: peeked, URL: u, Initial: true}
	return true
}

// maxURLLen bounds len(u.String()) without building it: escaping at most
// triples a byte. Most URLs are far below MaxURLLength and need no String.
func maxURLLen(u *url.URL) int {
	n := len(u.Scheme) + len(u.RawQuery) + len(u.Opaque) + len(u.User.String()) + 8
	return n + 3*(len(u.Host)+len(u.Path)+len(u.RawPath)+len(u.Fragment)+len(u.RawFragment))
}

// checkStart applies to a new operation's URLs the checks every request
// gets (checkURL: no https-to-http downgrade, the URL policy), so that a polling header lro
// would refuse counts as invalid there, where the chain can still try the
// next strategy, rather than at the first poll. An invalid Location beside
// a valid polling URL is dropped, as monitor strategies drop one that does
// not parse. It returns op.PollURL parsed (by the strategy, when it set it
// with SetPollURL), or nil when it does not parse (the first poll then says
// so).
func (c *config) checkStart(s strategies.Strategy, init *strategies.Initial, op *strategies.Operation) (pollURL *url.URL, _ error) {
	o := origin{url: init.URL}
	if u, err := parsedPollURL(op); err == nil {
		source := "polling URL"
		if h, ok := s.(interface{ Header() string }); ok { // monitor, location
			source = h.Header()
		}
		if err := c.checkURL(&o, u, source); err != nil {
			return nil, err
		}
		pollURL = u
	}
	if op.Location != "" && (op.Location != op.PollURL || pollURL == nil) { // Location alone: the same URL, checked
		if u, err := url.Parse(op.Location); err != nil || c.checkURL(&o, u, "Location") != nil {
			op.Location = ""
		}
	}
	return pollURL, nil
}

// parsedPollURL returns op.PollURL parsed: as the strategy parsed it
// (Operation.ParsedPollURL), else by url.Parse.
func parsedPollURL(op *strategies.Operation) (*url.URL, error) {
	if u := op.ParsedPollURL(); u != nil {
		return u, nil
	}
	return url.Parse(op.PollURL)
}

func lookupStrategy(chain []strategies.Strategy, name string) strategies.Strategy {
	for _, s := range chain {
		if s.Name() == name {
			return s
		}
	}
	return nil
}
