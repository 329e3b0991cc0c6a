package main

import (
	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/google"
)

// protocols are the opt-in protocols --protocol NAME adds, one line each,
// from the library's strategy packages. Their strategies follow the default
// chain (lro.DefaultStrategies), in the order the flags name them, as the
// packages' docs show: a response the default chain reads stays its own.
var protocols = map[string]func() []strategies.Strategy{
	"google":         func() []strategies.Strategy { return []strategies.Strategy{google.Operations()} }, // AIP-151 operations off googleapis.com (emulators, proxies)
	"google-compute": func() []strategies.Strategy { return []strategies.Strategy{google.Compute()} },    // Compute Engine operations off googleapis.com
}

// chain returns the strategy chain for the --protocol flags, or nil (the
// library's default) when there are none.
func (c *config) chain() []strategies.Strategy {
	if len(c.protos) == 0 {
		return nil
	}
	s := lro.DefaultStrategies()
	seen := map[string]bool{}
	for _, p := range c.protos {
		if !seen[p] {
			seen[p] = true
			s = append(s, protocols[p]()...)
		}
	}
	return s
}
