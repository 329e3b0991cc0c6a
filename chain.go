package lro

import (
	"errors"
	"net/url"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/body"
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
//  3. Location. Alone, it is the status URL of the 202-Accepted pattern.
//  4. properties.provisioningState in the body. It is only the protocol
//     when no header names a monitor, as ARM's PUT and PATCH rules say.
//
// A header that is present but invalid does not stop the chain: the next
// strategy gets its turn, and the error surfaces only if none applies.
func DefaultStrategies() []strategies.Strategy {
	return []strategies.Strategy{
		monitor.AzureAsyncOperation(),
		monitor.OperationLocation(),
		location.New(),
		body.New(),
	}
}

// startOperation asks the chain's strategies, in order, to start an operation.
// op is nil when none applies; err is then the first error a strategy gave,
// if any.
func (c *config) startOperation(init *strategies.Initial) (strategies.Strategy, *strategies.Operation, error) {
	var errs []error
	for _, s := range c.chain {
		op, err := s.Start(init)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if op != nil {
			if err := c.checkStart(s, init, op); err != nil {
				errs = append(errs, err)
				continue
			}
			return s, op, nil
		}
	}
	return nil, nil, errors.Join(errs...)
}

// checkStart applies to a new operation's URLs the checks every request
// gets (checkURL: no https-to-http downgrade, the URL policy), so that a polling header lro
// would refuse counts as invalid there, where the chain can still try the
// next strategy, rather than at the first poll. An invalid Location beside
// a valid polling URL is dropped, as monitor strategies drop one that does
// not parse.
func (c *config) checkStart(s strategies.Strategy, init *strategies.Initial, op *strategies.Operation) error {
	o := origin{url: init.URL}
	if u, err := url.Parse(op.PollURL); err == nil {
		source := "polling URL"
		if h, ok := s.(interface{ Header() string }); ok { // monitor, location
			source = h.Header()
		}
		if err := c.checkURL(&o, u, source); err != nil {
			return err
		}
	}
	if op.Location != "" {
		if u, err := url.Parse(op.Location); err != nil || c.checkURL(&o, u, "Location") != nil {
			op.Location = ""
		}
	}
	return nil
}

func lookupStrategy(chain []strategies.Strategy, name string) strategies.Strategy {
	for _, s := range chain {
		if s.Name() == name {
			return s
		}
	}
	return nil
}
