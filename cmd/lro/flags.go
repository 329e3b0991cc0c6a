package main

import (
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lrohttp/lro/strategies"
	"github.com/spf13/pflag"
)

// config is a parsed command line.
type config struct {
	cmd  string // "", "resume", "poll", "cancel" or "demo"
	arg  string // the URL, or the token
	help bool

	method   string
	headers  []string // -H values, as given
	data     []string // -d values, as given
	json     string   // --json value
	output   string   // -o
	include  bool     // -i
	silent   bool     // -s
	verbose  bool     // -v
	fail     bool     // --fail
	noWait   bool     // --no-wait
	tokOnly  bool     // --token-only
	bearer   string   // --bearer-env NAME
	tokenCmd string   // --token-cmd CMD
	trusted  []string // --trusted-host
	safe     []string // --safe-header
	allow    []string // --allow-host
	protos   []string // --protocol
	rules    []string // --rules FILE, made absolute by loadRules
	// ruleChain is the strategies of the rule files.
	ruleChain []strategies.Strategy
	maxWait   seconds
	interval  seconds
	maxDelay  seconds
	addr      string // demo --addr
}

// seconds is a duration flag that also takes a plain number of seconds,
// as curl's --max-time does: "90", "1.5", "2m", "1h30m".
type seconds time.Duration

func (s *seconds) String() string {
	if *s == 0 {
		return ""
	}
	return time.Duration(*s).String()
}

func (s *seconds) Set(v string) error {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f < 0 || f > float64(1<<62)/float64(time.Second) {
			return fmt.Errorf("out of range")
		}
		*s = seconds(f * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("want a duration such as 30s, 5m or 90")
	}
	*s = seconds(d)
	return nil
}

func (s *seconds) Type() string { return "duration" }

// usageError is a command line lro cannot run; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return "lro: " + e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func newFlagSet(c *config) *pflag.FlagSet {
	fs := pflag.NewFlagSet("lro", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse errors are reported once, by run
	fs.SortFlags = false
	fs.StringVarP(&c.method, "request", "X", "", "HTTP `METHOD` (default GET, or POST with -d or --json)")
	fs.StringArrayVarP(&c.headers, "header", "H", nil, "request header `'NAME: VALUE'` (repeatable)")
	fs.StringArrayVarP(&c.data, "data", "d", nil, "request body: `DATA`, @file, or @- for stdin (repeatable, joined with &)")
	fs.StringVar(&c.json, "json", "", "JSON body (`DATA`, @file or @-); sets Content-Type and Accept to application/json")
	fs.StringVarP(&c.output, "output", "o", "", "write the final body to `FILE` instead of stdout")
	fs.BoolVarP(&c.include, "include", "i", false, "print the final response's status line and headers before its body")
	fs.BoolVarP(&c.silent, "silent", "s", false, "no progress on stderr (errors and resume commands are still printed)")
	fs.BoolVarP(&c.verbose, "verbose", "v", false, "print each request, response and wait on stderr")
	fs.BoolVar(&c.fail, "fail", false, "exit 22, printing no body, when the final status is 400 or more")
	fs.BoolVar(&c.noWait, "no-wait", false, "send the request only: print the initial response and the resume token")
	fs.BoolVar(&c.tokOnly, "token-only", false, "with --no-wait, print only the resume token, on stdout")
	fs.StringVar(&c.bearer, "bearer-env", "", "send 'Authorization: Bearer $`NAME`' (the token is read from the environment variable NAME)")
	fs.StringVar(&c.tokenCmd, "token-cmd", "", "run `CMD` with sh -c for a bearer token; run again when a request gets a 401")
	fs.StringArrayVar(&c.trusted, "trusted-host", nil, "also send credentials and every -H header to `HOST` and its subdomains (repeatable)")
	fs.StringArrayVar(&c.safe, "safe-header", nil, "a -H header `NAME` that may go to any host, as the library's safe headers (repeatable)")
	fs.StringArrayVar(&c.allow, "allow-host", nil, "let polls reach `HOST` (a name, IP or CIDR) that the library's URL policy refuses: metadata, link-local, private (repeatable)")
	fs.StringArrayVar(&c.protos, "protocol", nil, "add an opt-in protocol's strategies, `NAME` one of: "+protocolList()+" (repeatable)")
	fs.StringArrayVar(&c.rules, "rules", nil, "add the protocols written as rules in JSON `FILE` (strategies/rules), before the default chain (repeatable)")
	fs.Var(&c.maxWait, "max-wait", "give up waiting after this long (default 1h); exit 4")
	fs.Var(&c.interval, "interval", "delay between polls when the server sends no Retry-After (default 1s doubling to 30s)")
	fs.Var(&c.maxDelay, "max-delay", "cap on any delay the server asks for (default 2m)")
	fs.BoolVarP(&c.help, "help", "h", false, "print this help")
	return fs
}

// parseArgs parses a command line (without the program name).
func parseArgs(args []string) (*config, error) {
	c := &config{}
	if len(args) > 0 {
		switch args[0] {
		case "resume", "poll", "cancel", "demo":
			c.cmd, args = args[0], args[1:]
		case "help":
			c.help = true
			return c, nil
		}
	}
	fs := newFlagSet(c)
	if c.cmd == "demo" {
		fs = pflag.NewFlagSet("lro demo", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "loopback `ADDRESS` to listen on")
		fs.BoolVarP(&c.help, "help", "h", false, "print this help")
	}
	if err := fs.Parse(args); err != nil {
		return nil, usagef("%v", err)
	}
	if c.help {
		return c, nil
	}
	rest := fs.Args()
	switch {
	case c.cmd == "demo":
		if len(rest) != 0 {
			return nil, usagef("demo takes no arguments")
		}
		return c, nil
	case c.cmd != "" && len(rest) != 1:
		return nil, usagef("%s takes one TOKEN", c.cmd)
	case c.cmd == "" && len(rest) != 1:
		if len(rest) == 0 {
			return nil, usagef("no URL (lro --help shows how to use it)")
		}
		return nil, usagef("one URL at a time, got %d: %s", len(rest), strings.Join(rest, " "))
	}
	c.arg = rest[0]
	return c, c.check(fs)
}

// check rejects flag combinations that cannot work.
func (c *config) check(fs *pflag.FlagSet) error {
	if c.cmd != "" {
		for _, name := range []string{"request", "data", "json", "no-wait", "token-only"} {
			if fs.Changed(name) {
				return usagef("--%s does not apply to %s", name, c.cmd)
			}
		}
	} else if !strings.HasPrefix(c.arg, "http://") && !strings.HasPrefix(c.arg, "https://") {
		return usagef("URL %q must start with http:// or https://", c.arg)
	}
	if len(c.data) > 0 && c.json != "" {
		return usagef("-d and --json cannot be used together")
	}
	if c.tokOnly && !c.noWait {
		return usagef("--token-only needs --no-wait")
	}
	if c.bearer != "" && c.tokenCmd != "" {
		return usagef("--bearer-env and --token-cmd cannot be used together")
	}
	stdin := 0
	for _, d := range append(append([]string(nil), c.data...), c.json) {
		if d == "@-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usagef("stdin (@-) can be read only once")
	}
	for _, h := range c.headers {
		name, _, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(strings.TrimSpace(name), " \t\r\n") {
			return usagef("header %q is not 'Name: value'", h)
		}
		if (c.bearer != "" || c.tokenCmd != "") && strings.EqualFold(strings.TrimSpace(name), "Authorization") {
			return usagef("-H Authorization cannot be used with --bearer-env or --token-cmd")
		}
	}
	for _, p := range c.protos {
		if _, ok := protocols[p]; !ok {
			return usagef("unknown --protocol %q (known: %s)", p, protocolList())
		}
	}
	return c.loadRules()
}

// header returns the -H headers.
func (c *config) header() http.Header {
	h := http.Header{}
	for _, kv := range c.headers {
		name, value, _ := strings.Cut(kv, ":")
		h.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name)), strings.TrimSpace(value))
	}
	return h
}

// isCredential reports whether a header is one the library keeps to trusted
// hosts.
func isCredential(name string) bool {
	switch textproto.CanonicalMIMEHeaderKey(name) {
	case "Authorization", "Cookie", "Proxy-Authorization":
		return true
	}
	return false
}

// readData returns a -d or --json value's bytes: the text itself, a file's
// contents (@file), or stdin (@-), as they are.
func readData(v string, stdin io.Reader) ([]byte, error) {
	switch {
	case v == "@-":
		return io.ReadAll(stdin)
	case strings.HasPrefix(v, "@"):
		b, err := os.ReadFile(v[1:])
		if err != nil {
			return nil, usagef("reading the body: %v", err)
		}
		return b, nil
	}
	return []byte(v), nil
}

func protocolList() string {
	if len(protocols) == 0 {
		return "none yet"
	}
	names := make([]string, 0, len(protocols))
	for n := range protocols {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
