package main

import (
	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// protocols are the opt-in protocols --protocol NAME adds, one line each,
// from the library's strategy packages. Their strategies go before the
// default chain, in the order the flags name them; the default chain
// (lro.DefaultStrategies) always follows.
var protocols = map[string]func() []strategies.Strategy{}

// chain returns the strategy chain for the --protocol flags, or nil (the
// library's default) when there are none.
func (c *config) chain() []strategies.Strategy {
	if len(c.protos) == 0 {
		return nil
	}
	var s []strategies.Strategy
	seen := map[string]bool{}
	for _, p := range c.protos {
		if !seen[p] {
			seen[p] = true
			s = append(s, protocols[p]()...)
		}
	}
	return append(s, lro.DefaultStrategies()...)
}
