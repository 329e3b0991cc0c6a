package lro

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/lrohttp/lro/strategies"
)

// Defaults of the options below.
const (
	// DefaultMaxDelay caps any wait a server asks for (Retry-After and its
	// millisecond twins).
	DefaultMaxDelay = 2 * time.Minute
	// DefaultMaxStatusBody caps the bytes read of a status or poll body.
	DefaultMaxStatusBody = 1 << 20
	// DefaultPollTimeout bounds one poll: sending it and reading its body.
	DefaultPollTimeout = time.Minute
	// DefaultMaxWait bounds a whole operation, from its initial response.
	DefaultMaxWait = time.Hour
	// DefaultMaxRetries is how many times a transient poll failure is
	// retried in a row before the operation ends with an error.
	DefaultMaxRetries = 4
	// DefaultRetryWaitMin and DefaultRetryWaitMax bound the backoff between
	// retries of a transient poll failure.
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultNotFoundGrace is how long, from the initial response, a 404
	// from the polling URL means "not visible yet" (until the first answer
	// that is not a 404). A 404 on the first poll always does, however
	// late it comes. Under Resume and Poll see WithNotFoundGrace.
	DefaultNotFoundGrace = 10 * time.Second
)

// Option configures a Transport in New, or one request through WithOptions.
// Options are sealed: only this package makes them.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is everything an operation reads. Transport holds one, immutable;
// a request with its own options gets a copy.
type config struct {
	pollInterval  time.Duration
	maxDelay      time.Duration
	finalStateVia FinalStateVia
	jar           http.CookieJar
	chain         []strategies.Strategy
	checkRetry    retryablehttp.CheckRetry
	backoff       retryablehttp.Backoff
	maxRetries    int
	retryWaitMin  time.Duration
	retryWaitMax  time.Duration
	maxStatusBody int64
	pollTimeout   time.Duration
	maxWait       time.Duration
	notFoundGrace time.Duration
	trustedHosts  []string
	safeHeaders   []string     // WithSafeHeaders
	sensitive     []string     // WithSensitiveHeaders
	allowedHosts  []allowEntry // WithAllowedHosts
	hooks         []*Hooks
}

func defaultConfig() config {
	return config{
		maxDelay:      DefaultMaxDelay,
		chain:         DefaultStrategies(),
		checkRetry:    DefaultRetryPolicy,
		backoff:       defaultBackoff,
		maxRetries:    DefaultMaxRetries,
		retryWaitMin:  DefaultRetryWaitMin,
		retryWaitMax:  DefaultRetryWaitMax,
		maxStatusBody: DefaultMaxStatusBody,
		pollTimeout:   DefaultPollTimeout,
		maxWait:       DefaultMaxWait,
		notFoundGrace: DefaultNotFoundGrace,
	}
}

// FinalStateVia names where the result of a successful operation is found,
// as Azure's x-ms-long-running-operation-options say. The zero value means
// the protocol's default (see the README's final-result rules).
type FinalStateVia string

// The final-state-via values Azure's specifications use.
const (
	FinalStateViaAzureAsyncOperation FinalStateVia = "azure-async-operation"
	FinalStateViaLocation            FinalStateVia = "location"
	FinalStateViaOriginalURI         FinalStateVia = "original-uri"
	FinalStateViaOperationLocation   FinalStateVia = "operation-location"
)

// WithPollInterval sets the delay between polls when the server sends no
// Retry-After. Zero (the default) means a backoff that starts at 1 s and
// doubles up to 30 s. Any positive value works, 1 ms included.
func WithPollInterval(d time.Duration) Option {
	return optionFunc(func(c *config) { c.pollInterval = max(d, 0) })
}

// WithMaxDelay caps the wait a server can ask for with Retry-After,
// retry-after-ms or x-ms-retry-after-ms, and the backoff between retries.
// Zero or less means DefaultMaxDelay.
func WithMaxDelay(d time.Duration) Option {
	return optionFunc(func(c *config) { c.maxDelay = positiveOr(d, DefaultMaxDelay) })
}

// WithFinalStateVia sets where the result of a successful operation is
// found. The zero value restores the protocol's default.
func WithFinalStateVia(v FinalStateVia) Option {
	return optionFunc(func(c *config) { c.finalStateVia = v })
}

// WithCookieJar gives the transport a cookie jar for the requests it sends
// itself. http.Client.Jar applies only to the request the client sends and
// the response it gets back, so services that pin an operation to a server
// with an affinity cookie need this. Cookies the initial response and every
// poll set are stored in jar; each poll and final GET sends jar's cookies
// for its URL. nil (the default) means no jar.
func WithCookieJar(jar http.CookieJar) Option {
	return optionFunc(func(c *config) { c.jar = jar })
}

// WithStrategies replaces the strategy chain: the strategies, in order of
// precedence, that may start an operation (each decides where it applies;
// see strategies.Strategy). Resume and Poll look a token's strategy up by
// name in this chain. No strategies (the default) means DefaultStrategies.
func WithStrategies(s ...strategies.Strategy) Option {
	s = append([]strategies.Strategy(nil), s...)
	return optionFunc(func(c *config) {
		if len(s) == 0 {
			c.chain = DefaultStrategies()
			return
		}
		c.chain = s
	})
}

// WithRetryPolicy replaces the policy that decides whether a failed poll or
// final GET is transient and is tried again. nil (the default) means
// DefaultRetryPolicy. The initial request is never sent again.
func WithRetryPolicy(p retryablehttp.CheckRetry) Option {
	if p == nil {
		p = DefaultRetryPolicy
	}
	return optionFunc(func(c *config) {
		c.checkRetry = p
	})
}

// WithBackoff replaces the wait between retries of a transient failure, and
// its bounds. nil means the default: retryablehttp.DefaultBackoff
// (exponential), except that the wait a 429 or 503 asks for is read as for
// polls (Retry-After, retry-after-ms or x-ms-retry-after-ms; junk ignored,
// huge values capped); zero bounds mean DefaultRetryWaitMin and
// DefaultRetryWaitMax. The result is capped by WithMaxDelay.
func WithBackoff(b retryablehttp.Backoff, minWait, maxWait time.Duration) Option {
	if b == nil {
		b = defaultBackoff
	}
	return optionFunc(func(c *config) {
		c.backoff = b
		c.retryWaitMin = positiveOr(minWait, DefaultRetryWaitMin)
		c.retryWaitMax = positiveOr(maxWait, DefaultRetryWaitMax)
	})
}

// WithMaxRetries sets how many times in a row a transient poll failure is
// retried before the operation ends with an error. Negative means
// DefaultMaxRetries; zero means no retry.
func WithMaxRetries(n int) Option {
	if n < 0 {
		n = DefaultMaxRetries
	}
	return optionFunc(func(c *config) {
		c.maxRetries = n
	})
}

// WithMaxStatusBody caps the bytes read of a status or poll body; a longer
// body is an error. Zero or less means DefaultMaxStatusBody. The final GET's
// body is streamed and never capped.
func WithMaxStatusBody(n int64) Option {
	if n <= 0 {
		n = DefaultMaxStatusBody
	}
	return optionFunc(func(c *config) {
		c.maxStatusBody = n
	})
}

// WithPollTimeout bounds each poll, from sending it to reading its body, and
// the final GET up to its headers. A poll that follows a wait counts from
// when the wait's timer fired, which may be a scheduling delay before it is
// sent. Zero or less means DefaultPollTimeout.
func WithPollTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.pollTimeout = positiveOr(d, DefaultPollTimeout) })
}

// WithMaxWait bounds a whole operation, from its initial response (or the
// call to Resume) to its result. The operation then ends with an error that
// wraps ErrMaxWait and carries a resume token. It is checked before each
// wait and after each failed request: no wait passes it, and a request
// already in flight gets its full poll timeout, so the operation ends within
// the maximum wait plus one poll timeout. Zero or less means DefaultMaxWait.
func WithMaxWait(d time.Duration) Option {
	return optionFunc(func(c *config) { c.maxWait = positiveOr(d, DefaultMaxWait) })
}

// WithNotFoundGrace sets how long after the initial response a 404 from the
// polling URL means "not visible yet", as happens with eventually consistent
// services, rather than failure. Grace ends at the first answer that is not
// a 404. A 404 on the first poll is taken as "not visible yet" too, even
// when a long Retry-After put it past the grace. Resume tokens carry the
// grace's state, so Transport.Poll steps and Resume go on with it: the
// grace counts from the start of the call that sent the operation's first
// poll (RoundTrip's initial response, or the Resume or Poll that first
// polled a token made before any poll), by the wall clock of the process
// that made the token (one in the future counts from now), and ends for
// good at the first answer that is not a 404. Zero turns it off; negative
// means DefaultNotFoundGrace.
func WithNotFoundGrace(d time.Duration) Option {
	if d < 0 {
		d = DefaultNotFoundGrace
	}
	return optionFunc(func(c *config) {
		c.notFoundGrace = d
	})
}

// WithTrustedHosts lets all the original request's headers (Authorization,
// Cookie, API keys...) go to these hosts and their subdomains too, besides
// the original request's host and its subdomains. Any other host gets only
// the safe headers (see WithSafeHeaders). Hosts are names without ports,
// matched by strategies.HostUnder (without regard to ASCII case, one
// trailing dot ignored, an IP address matching only itself), as the
// original host is. Trusting a host does not relax the URL policy (see
// WithAllowedHosts). None (the default) trusts only the original host.
func WithTrustedHosts(hosts ...string) Option {
	hosts = append([]string(nil), hosts...)
	return optionFunc(func(c *config) {
		c.trustedHosts = append(c.trustedHosts[:len(c.trustedHosts):len(c.trustedHosts)], hosts...)
	})
}

// WithSafeHeaders adds header names (matched without regard to case) that
// may go to any host, not only to the original host, its subdomains and
// WithTrustedHosts. A request lro sends to another host carries only safe
// headers: an allow-list, because a credential header that a deny-list
// missed would leak on the first poll, whereas a safe header missing from
// the allow-list only stays off that poll. By default the safe headers are
// Accept, Accept-Encoding, Accept-Language, User-Agent, trace context
// (traceparent, tracestate, baggage, B3, X-Amzn-Trace-Id,
// X-Cloud-Trace-Context) and client request ids (Request-Id, X-Request-Id,
// X-Correlation-Id, x-ms-client-request-id, x-ms-return-client-request-id,
// x-ms-useragent). Calls add up.
func WithSafeHeaders(names ...string) Option {
	names = append([]string(nil), names...)
	return optionFunc(func(c *config) {
		c.safeHeaders = append(c.safeHeaders[:len(c.safeHeaders):len(c.safeHeaders)], names...)
	})
}

// WithSensitiveHeaders marks header names (matched without regard to case)
// as sensitive: they go only to the original host, its subdomains and
// WithTrustedHosts, even when the default safe list or WithSafeHeaders
// names them (a User-Agent or request id that embeds a secret, say). lro
// never logs or prints any header's value, sensitive or not. Calls add up.
func WithSensitiveHeaders(names ...string) Option {
	names = append([]string(nil), names...)
	return optionFunc(func(c *config) {
		c.sensitive = append(c.sensitive[:len(c.sensitive):len(c.sensitive)], names...)
	})
}

// WithAllowedHosts exempts hosts from the URL policy, which otherwise
// refuses a polling, result or redirect URL that points at a link-local or
// cloud metadata address (169.254.0.0/16, fe80::/10, metadata.google.internal,
// fd00:ec2::254, 100.100.100.200...), or at a loopback or private address
// (127.0.0.0/8, ::1, RFC 1918, RFC 6598, fc00::/7) when the original request's
// host is not in that range itself. Each entry is a host name (matching its
// subdomains too, without regard to case), an IP address, or a CIDR prefix
// ("10.0.0.0/8"); addresses and prefixes match IP literals in URLs and the
// addresses host names are dialled to. docs/security.md gives the rules and
// their reasons. Entries that are empty are ignored; calls add up. None (the
// default) allows nothing beyond the rules.
func WithAllowedHosts(hosts ...string) Option {
	var entries []allowEntry
	for _, h := range hosts {
		if e, ok := parseAllowEntry(h); ok {
			entries = append(entries, e)
		}
	}
	return optionFunc(func(c *config) {
		c.allowedHosts = append(c.allowedHosts[:len(c.allowedHosts):len(c.allowedHosts)], entries...)
	})
}

func positiveOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

type optionsKey struct{}
type noPollingKey struct{}

// WithOptions returns a copy of ctx carrying per-request options. A request
// made with it uses the transport's options overridden by these; hooks add
// up, the request's running first. Options of an outer WithOptions apply
// before these.
func WithOptions(ctx context.Context, opts ...Option) context.Context {
	prev, _ := ctx.Value(optionsKey{}).([]Option)
	all := make([]Option, 0, len(prev)+len(opts))
	all = append(append(all, prev...), opts...)
	return context.WithValue(ctx, optionsKey{}, all)
}

// WithoutPolling returns a copy of ctx under which the transport does
// nothing: the initial response comes back untouched and no other request
// is sent. It is the twin of azure-core's polling=False; ResumeToken turns
// such a response into a token.
func WithoutPolling(ctx context.Context) context.Context {
	return context.WithValue(ctx, noPollingKey{}, true)
}

func pollingDisabled(ctx context.Context) bool {
	v, _ := ctx.Value(noPollingKey{}).(bool)
	return v
}

// configFor returns base merged with ctx's per-request options; base itself
// when there are none.
func configFor(base *config, ctx context.Context) *config {
	opts, _ := ctx.Value(optionsKey{}).([]Option)
	if len(opts) == 0 {
		return base
	}
	c := *base
	c.hooks = nil
	for _, o := range opts {
		o.apply(&c)
	}
	c.hooks = append(c.hooks[:len(c.hooks):len(c.hooks)], base.hooks...)
	return &c
}
