package main

import (
	"path/filepath"
	"strings"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/asyncreply"
	"github.com/lrohttp/lro/strategies/google"
	"github.com/lrohttp/lro/strategies/graph"
	"github.com/lrohttp/lro/strategies/repeatget"
	"github.com/lrohttp/lro/strategies/rules"
)

// protocol is an opt-in protocol of the library that --protocol NAME adds.
type protocol struct {
	// before puts it ahead of the default chain: it reads responses that a
	// default strategy would otherwise take (a 202 with a Location).
	before bool
	// strategies returns its strategies for a request to host, applying to
	// that host and its subdomains only ("" under resume, poll and cancel:
	// they then apply nowhere, and serve only to look a token's strategy up
	// by name).
	strategies func(host string) []strategies.Strategy
}

// protocols are the opt-in protocols, one line each, placed as their
// packages' docs say.
var protocols = map[string]protocol{
	"google":         {false, func(h string) []strategies.Strategy { return onHost(h, google.Operations()) }}, // AIP-151 operations off googleapis.com
	"google-compute": {false, func(h string) []strategies.Strategy { return onHost(h, google.Compute()) }},    // Compute Engine operations off googleapis.com
	"graph":          {true, func(h string) []strategies.Strategy { return onHost(h, graph.New()) }},          // Microsoft Graph's operations off Graph's hosts
	"async-reply":    {true, func(h string) []strategies.Strategy { return []strategies.Strategy{asyncreply.New(hosts(h)...)} }},
	"repeat-get":     {true, func(h string) []strategies.Strategy { return []strategies.Strategy{repeatget.New(hosts(h)...)} }},
}

func hosts(h string) []string {
	if h == "" {
		return nil
	}
	return []string{h}
}

func onHost(h string, s strategies.Strategy) []strategies.Strategy {
	return []strategies.Strategy{strategies.OnHosts(s, hosts(h)...)}
}

// loadRules loads the --rules files into c.ruleChain, as usage errors,
// making their paths absolute so that the printed resume command works
// from any directory.
func (c *config) loadRules() error {
	c.ruleChain = nil
	names := map[string]bool{}
	for i, f := range c.rules {
		if abs, err := filepath.Abs(f); err == nil {
			c.rules[i] = abs
		}
		rs, err := rules.Load(c.rules[i])
		if err != nil {
			return usagef("--rules %s: %v", f, err)
		}
		for _, s := range rs {
			if names[s.Name()] {
				return usagef("--rules: two rules named %q (a file given twice?)", strings.TrimPrefix(s.Name(), "rule:"))
			}
			names[s.Name()] = true
		}
		c.ruleChain = append(c.ruleChain, rs...)
	}
	return nil
}

// chain returns the strategy chain for the --protocol and --rules flags and
// the request's host, or nil (the library's default) when there are none.
// Rules come first, in the files' order: each applies only where it says
// (its start.hosts), whatever the request's host.
func (c *config) chain(host string) []strategies.Strategy {
	if len(c.protos) == 0 && len(c.ruleChain) == 0 {
		return nil
	}
	before := append([]strategies.Strategy(nil), c.ruleChain...)
	var after []strategies.Strategy
	seen := map[string]bool{}
	for _, name := range c.protos {
		if seen[name] {
			continue
		}
		seen[name] = true
		p := protocols[name]
		if p.before {
			before = append(before, p.strategies(host)...)
		} else {
			after = append(after, p.strategies(host)...)
		}
	}
	return append(append(before, lro.DefaultStrategies()...), after...)
}
