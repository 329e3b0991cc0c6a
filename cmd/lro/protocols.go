package main

import (
	"path/filepath"
	"strings"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/asyncreply"
	"github.com/lrohttp/lro/strategies/google"
	"github.com/lrohttp/lro/strategies/repeatget"
	"github.com/lrohttp/lro/strategies/rules"
)

// protocol is one opt-in protocol of --protocol NAME[=PATTERN,...].
type protocol struct {
	// first puts its strategies before the default chain: it claims
	// responses (a 202 with a Location) that the default chain would
	// misread. The others follow it: a response the default chain reads
	// stays its own.
	first bool
	// patterns says what NAME=... names ("HOST" or "HOST[/PATH]"), or ""
	// when the protocol takes none. A protocol that takes patterns needs
	// at least one: it applies only where the user says.
	patterns string
	make     func(patterns []string) []strategies.Strategy
}

// protocols are the opt-in protocols, one line each, from the library's
// strategy packages.
var protocols = map[string]protocol{
	"google":         {make: func([]string) []strategies.Strategy { return []strategies.Strategy{google.Operations()} }}, // AIP-151 operations off googleapis.com (emulators, proxies)
	"google-compute": {make: func([]string) []strategies.Strategy { return []strategies.Strategy{google.Compute()} }},    // Compute Engine operations off googleapis.com
	"async-reply": {first: true, patterns: "HOST", // 200 "In progress", then 302/303 to the result
		make: func(p []string) []strategies.Strategy { return []strategies.Strategy{asyncreply.New(p...)} }},
	"repeat-get": {first: true, patterns: "HOST[/PATH]", // a GET answered 202 is repeated (GitHub's /stats/*)
		make: func(p []string) []strategies.Strategy { return []strategies.Strategy{repeatget.New(p...)} }},
}

// splitProtocol splits a --protocol value into its name and patterns.
func splitProtocol(v string) (name string, patterns []string) {
	name, list, ok := strings.Cut(v, "=")
	if ok {
		for _, p := range strings.Split(list, ",") {
			if p = strings.TrimSpace(p); p != "" {
				patterns = append(patterns, p)
			}
		}
	}
	return name, patterns
}

// checkProtocols validates the --protocol values and loads the --rules
// files (into c.ruleChain), as usage errors.
func (c *config) checkProtocols() error {
	for _, v := range c.protos {
		name, patterns := splitProtocol(v)
		p, ok := protocols[name]
		switch {
		case !ok:
			return usagef("unknown --protocol %q (known: %s)", name, protocolList())
		case p.patterns == "" && strings.Contains(v, "="):
			return usagef("--protocol %s takes no =%s", name, v[len(name)+1:])
		case p.patterns != "" && len(patterns) == 0:
			return usagef("--protocol %s applies only where you say: --protocol %s=%s[,%s]", name, name, p.patterns, p.patterns)
		}
	}
	c.ruleChain = nil
	for i, f := range c.rules {
		abs, err := filepath.Abs(f)
		if err == nil {
			c.rules[i] = abs // the resume command works from any directory
		}
		rs, err := rules.Load(c.rules[i])
		if err != nil {
			return usagef("--rules %s: %v", f, err)
		}
		c.ruleChain = append(c.ruleChain, rs...)
	}
	names := map[string]bool{}
	for _, s := range c.chain() {
		if names[s.Name()] {
			return usagef("two protocols named %q (a rule given twice?)", s.Name())
		}
		names[s.Name()] = true
	}
	return nil
}

// chain returns the strategy chain for the --protocol and --rules flags, or
// nil (the library's default) when there are none: rules first, in the
// files' order, then the protocols that go first, the default chain, and
// the other protocols.
func (c *config) chain() []strategies.Strategy {
	if len(c.protos) == 0 && len(c.ruleChain) == 0 {
		return nil
	}
	first := append([]strategies.Strategy(nil), c.ruleChain...)
	var after []strategies.Strategy
	seen := map[string]bool{}
	for _, v := range c.protos {
		if seen[v] {
			continue
		}
		seen[v] = true
		name, patterns := splitProtocol(v)
		p := protocols[name]
		if p.first {
			first = append(first, p.make(patterns)...)
		} else {
			after = append(after, p.make(patterns)...)
		}
	}
	return append(append(first, lro.DefaultStrategies()...), after...)
}
