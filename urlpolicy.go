package lro

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/lrohttp/lro/strategies"
)

// The URL policy: where a URL the server names (a monitor, a Location hop,
// a resourceLocation, a redirect) may send lro. docs/security.md gives each
// rule its reason.

// addrClass is the kind of network an address or host belongs to, from the
// most open to the most closed.
type addrClass uint8

const (
	classPublic    addrClass = iota
	classPrivate             // RFC 1918, RFC 6598 shared space, IPv6 ULA
	classLoopback            // 127/8, ::1, 0.0.0.0/8, ::, localhost
	classLinkLocal           // 169.254/16, fe80::/10 and the cloud metadata services
)

func (c addrClass) String() string {
	switch c {
	case classPrivate:
		return "a private address"
	case classLoopback:
		return "a loopback address"
	case classLinkLocal:
		return "a link-local or cloud metadata address"
	}
	return "a public address"
}

// Addresses of cloud metadata services outside 169.254/16 and fe80::/10.
var (
	metadataAddrs = [...]netip.Addr{
		netip.MustParseAddr("fd00:ec2::254"),   // AWS IMDS over IPv6
		netip.MustParseAddr("fd00:ec2::23"),    // AWS EKS Pod Identity over IPv6
		netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	}
	sharedSpace = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598 (carrier-grade NAT)
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")     // 0.0.0.0 reaches the local host
	nat64       = netip.MustParsePrefix("64:ff9b::/96")  // RFC 6052: an IPv4 address inside
)

// metadataNames are the host names of cloud metadata services.
var metadataNames = [...]string{
	"metadata",                   // GCP (short name)
	"metadata.google.internal",   // GCP
	"metadata.goog",              // GCP
	"instance-data",              // AWS (short name)
	"instance-data.ec2.internal", // AWS
	"metadata.tencentyun.com",    // Tencent Cloud
}

// classifyAddr returns the class of a.
func classifyAddr(a netip.Addr) addrClass {
	a = a.Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[12:]))
	}
	for _, m := range metadataAddrs {
		if a.WithZone("") == m {
			return classLinkLocal
		}
	}
	switch {
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return classLinkLocal
	case a.IsLoopback(), a.IsUnspecified(), thisNetwork.Contains(a):
		return classLoopback
	case a.IsPrivate(), sharedSpace.Contains(a):
		return classPrivate
	}
	return classPublic
}

// hostAddr returns the address a URL's host name denotes by itself: an IP
// literal (with its zone), or an IPv4 address in one of the forms that C
// resolvers accept (2852039166, 0xa9.0xfe.0xa9.0xfe, 0251.0376.43518).
//
// It runs for every request an operation sends, so an ordinary host name
// costs no allocation: only a host with a colon can be an IPv6 literal,
// and a dotted-decimal IPv4 literal is one of inet_aton's forms, read the
// same way by both parsers.
func hostAddr(host string) (netip.Addr, bool) {
	if strings.IndexByte(host, ':') >= 0 {
		a, err := netip.ParseAddr(host)
		return a, err == nil
	}
	return parseInetAton(host)
}

// parseInetAton parses s as inet_aton(3) does: one to four parts, each
// decimal, octal (leading 0) or hexadecimal (0x), the last filling the
// remaining bytes. It does not allocate.
func parseInetAton(s string) (netip.Addr, bool) {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	var vals [4]uint64
	n := 0
	for rest, more := s, true; more; n++ {
		if n == len(vals) {
			return netip.Addr{}, false // more than four parts
		}
		var p string
		p, rest, more = strings.Cut(rest, ".")
		base, digits := uint64(10), p
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, digits = 16, p[2:]
			if digits == "" { // "0x" alone is 0 to inet_aton
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		v, ok := parseUint32(digits, base)
		if !ok {
			return netip.Addr{}, false
		}
		vals[n] = v
	}
	var ip uint64
	for i := 0; i < n-1; i++ {
		if vals[i] > 0xff {
			return netip.Addr{}, false
		}
		ip |= vals[i] << (24 - 8*i)
	}
	if last := vals[n-1]; last >= 1<<(8*(5-n)) {
		return netip.Addr{}, false
	} else {
		ip |= last
	}
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}

// parseUint32 is strconv.ParseUint(digits, base, 32) for base 8, 10 or 16,
// without the error value (which allocates): ok is false for an empty
// string, a digit outside base, or a value over 32 bits.
func parseUint32(digits string, base uint64) (uint64, bool) {
	if digits == "" {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case 'a' <= c && c <= 'f':
			d = uint64(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		v = v*base + d
		if v > 1<<32-1 {
			return 0, false
		}
	}
	return v, true
}

// normHost lowercases the ASCII letters of host and drops a final dot.
func normHost(host string) string {
	return strings.TrimSuffix(asciiLower(host), ".")
}

// asciiLower lowercases the ASCII letters of a host name. strings.ToLower
// would map some non-ASCII letters to ASCII ones (the Kelvin sign to k),
// making two hosts DNS tells apart look the same.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf {
			return asciiLowerMap(s)
		}
	}
	return s // already lower-case ASCII: most hosts, on every request
}

func asciiLowerMap(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// classifyHost returns the class of a URL's host name when the name alone
// tells it (an address, localhost, a metadata service's name), and false
// for other names: what they reach is known only once dialled.
func classifyHost(host string) (addrClass, bool) {
	if a, ok := hostAddr(host); ok {
		return classifyAddr(a), true
	}
	h := normHost(host)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return classLoopback, true
	}
	for _, m := range metadataNames {
		if h == m {
			return classLinkLocal, true
		}
	}
	return classPublic, false
}

// originClass is the class of the network the operation's origin is on, as
// far as its URL tells: a host name that is neither an address nor
// localhost counts as public (the address the caller's request reached is
// not visible to a RoundTripper).
func (o *origin) originClass() addrClass {
	c, _ := classifyHost(o.url.Hostname())
	return c
}

// permits reports whether an origin of class origin may send lro to a
// target of class target. Link-local and loopback targets are reachable
// only from the same class of origin; private ones from private or loopback
// origins; public ones from anywhere.
func permits(origin, target addrClass) bool {
	switch target {
	case classLinkLocal, classLoopback:
		return origin == target
	case classPrivate:
		return origin == classPrivate || origin == classLoopback
	}
	return true
}

// allowEntry is one host of WithAllowedHosts: a name (with its subdomains)
// or an address prefix.
type allowEntry struct {
	name   string
	prefix netip.Prefix
}

func parseAllowEntry(s string) (allowEntry, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return allowEntry{prefix: p.Masked()}, true
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		a = a.WithZone("").Unmap()
		return allowEntry{prefix: netip.PrefixFrom(a, a.BitLen())}, true
	}
	if normHost(s) != "" {
		return allowEntry{name: s}, true // matched by strategies.HostUnder
	}
	return allowEntry{}, false
}

// allowedHost reports whether host, a URL's host name, is allowed by
// WithAllowedHosts: by name, or by the address it denotes by itself.
func (c *config) allowedHost(host string) bool {
	if len(c.allowedHosts) == 0 {
		return false
	}
	if a, ok := hostAddr(host); ok {
		return c.allowedAddr(a)
	}
	for _, e := range c.allowedHosts {
		if e.name != "" && strategies.HostUnder(host, e.name) {
			return true
		}
	}
	return false
}

// allowedAddr reports whether a is in a prefix of WithAllowedHosts.
func (c *config) allowedAddr(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	for _, e := range c.allowedHosts {
		if e.name == "" && e.prefix.Contains(a) {
			return true
		}
	}
	return false
}

// ForbiddenURLError reports a URL the URL policy refuses: one that points at
// a link-local or cloud metadata address, or at a loopback or private one
// from an origin outside that range. It wraps ErrForbiddenURL and
// ErrInvalidURL.
type ForbiddenURLError struct {
	// Source says where the URL came from: a header name, a body field, a
	// redirect's Location, or a resume token's field.
	Source string
	// URL is the URL, with any password redacted.
	URL string
	// Addr is the address the request was dialled to, when the host name
	// was refused for it; "" when the URL itself was refused.
	Addr string
	// Reason says what the URL points at.
	Reason string

	fromToken bool // the URL came from a resume token: ErrInvalidToken too
}

func (e *ForbiddenURLError) Error() string {
	msg := fmt.Sprintf("lro: refusing %s %q: %s", e.Source, e.URL, e.Reason)
	if e.Addr != "" {
		msg += " (dialled " + e.Addr + ")"
	}
	return msg + "; lro.WithAllowedHosts allows it"
}

// Unwrap returns ErrForbiddenURL and ErrInvalidURL, and ErrInvalidToken
// too for a URL read from a resume token.
func (e *ForbiddenURLError) Unwrap() []error {
	if e.fromToken {
		return []error{ErrForbiddenURL, ErrInvalidURL, ErrInvalidToken}
	}
	return []error{ErrForbiddenURL, ErrInvalidURL}
}

// checkToken applies the URL policy to the URLs of a resume token's
// operation, which may come from a database or another process. The
// token's own url is the origin: it may be loopback or private (the
// other URLs are judged against it), but not link-local.
func (c *config) checkToken(op *strategies.Operation) error {
	ou, err := url.Parse(op.URL)
	if err != nil {
		return err // validated by decodeToken
	}
	if cls, known := classifyHost(ou.Hostname()); known && cls == classLinkLocal && !c.allowedHost(ou.Hostname()) {
		return &ForbiddenURLError{Source: "resume token's url", URL: ou.Redacted(), Reason: forbiddenReason(cls, cls), fromToken: true}
	}
	o := &origin{url: ou}
	for _, f := range [...]struct{ name, v string }{{"pollURL", op.PollURL}, {"location", op.Location}, {"resultURL", op.ResultURL}} {
		if f.v == "" {
			continue
		}
		u, err := url.Parse(f.v)
		if err != nil {
			continue // the strategy refuses it when it gets there
		}
		if fe := c.forbidTarget(o, u, "resume token's "+f.name); fe != nil {
			fe.fromToken = true
			return fe
		}
	}
	return nil
}

// checkTarget applies the URL policy to u's host, as far as the host name
// tells (dialGuard checks the address actually dialled).
func (c *config) checkTarget(o *origin, u *url.URL, source string) error {
	if fe := c.forbidTarget(o, u, source); fe != nil {
		return fe
	}
	return nil
}

// forbidTarget is checkTarget with a typed result.
func (c *config) forbidTarget(o *origin, u *url.URL, source string) *ForbiddenURLError {
	host := u.Hostname()
	cls, known := classifyHost(host)
	if !known || cls == classPublic || c.allowedHost(host) {
		return nil
	}
	if oc := o.originClass(); !permits(oc, cls) {
		return &ForbiddenURLError{Source: source, URL: u.Redacted(), Reason: forbiddenReason(cls, oc)}
	}
	return nil
}

func forbiddenReason(target, origin addrClass) string {
	if target == classLinkLocal {
		return "points at " + target.String()
	}
	return fmt.Sprintf("points at %s, and the operation's origin is on %s", target, origin)
}

// dialGuard checks the address a request to a host name other than the
// origin's was dialled to, through httptrace's GotConn: a name may resolve
// to an address the URL policy refuses. When it does, an HTTP/1 connection
// is closed before the request is written; an HTTP/2 one is shared with
// other requests, so the request goes, and its response is thrown away.
// err holds the refusal.
type dialGuard struct {
	c      *config
	o      *origin
	u      *url.URL
	source string
	base   http.RoundTripper // with req: whether it goes through a proxy
	req    *http.Request
	trace  httptrace.ClientTrace // in the same allocation
	err    atomic.Pointer[ForbiddenURLError]
}

// needsGuard reports whether a request to u needs its dialled address
// checked: u's host is a name, neither the origin's host (or a subdomain)
// nor allowed. IP literals were checked by checkTarget.
func (c *config) needsGuard(o *origin, u *url.URL) bool {
	host := u.Hostname()
	if _, known := classifyHost(host); known {
		return false
	}
	if strategies.HostUnder(host, o.url.Hostname()) {
		return false // the origin itself: it was reached there already
	}
	return !c.allowedHost(host)
}

// watchDial returns ctx, traced when the request to u needs its dialled
// address checked, and the guard to call done on once it returns; set the
// guard's base and req before sending. A checked request costs three
// allocations (the guard, its GotConn closure, the context); requests to
// the origin's host cost none.
func (c *config) watchDial(ctx context.Context, o *origin, u *url.URL, source string) (context.Context, *dialGuard) {
	if !c.needsGuard(o, u) {
		return ctx, nil
	}
	g := &dialGuard{c: c, o: o, u: u, source: source}
	g.trace.GotConn = g.gotConn
	return httptrace.WithClientTrace(ctx, &g.trace), g
}

// done closes resp (unread) and returns the refusal, if the trace saw one.
func (g *dialGuard) done(resp *http.Response) error {
	ferr := g.err.Load()
	if ferr == nil {
		return nil
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close() // not drained: nothing of it is read
	}
	return ferr
}

func (g *dialGuard) gotConn(info httptrace.GotConnInfo) {
	if info.Conn == nil {
		return
	}
	a, ok := remoteAddr(info.Conn.RemoteAddr())
	if !ok || g.c.allowedAddr(a) {
		return
	}
	cls, oc := classifyAddr(a), g.o.originClass()
	if permits(oc, cls) {
		return
	}
	// Through a proxy, the address dialled is the proxy's: only the
	// link-local range, where no proxy lives, says anything then.
	if cls != classLinkLocal && g.proxied() {
		return
	}
	g.err.Store(&ForbiddenURLError{Source: g.source, URL: g.u.Redacted(), Addr: a.String(), Reason: forbiddenReason(cls, oc)})
	if !isHTTP2(info.Conn) {
		info.Conn.Close()
	}
}

func remoteAddr(ra net.Addr) (netip.Addr, bool) {
	if ra == nil {
		return netip.Addr{}, false
	}
	if ta, ok := ra.(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap(), true
	}
	ap, err := netip.ParseAddrPort(ra.String())
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// isHTTP2 reports whether conn negotiated HTTP/2 over TLS (and so may
// carry other requests).
func isHTTP2(conn net.Conn) bool {
	tc, ok := conn.(*tls.Conn)
	return ok && tc.ConnectionState().NegotiatedProtocol == "h2"
}

// proxied reports whether the request goes through a proxy: base's own
// Proxy when base is an *http.Transport, else the environment's
// (HTTPS_PROXY and the like), which http.DefaultTransport and most wrappers
// around it use.
func (g *dialGuard) proxied() bool {
	proxy := http.ProxyFromEnvironment
	if t, ok := g.base.(*http.Transport); ok {
		proxy = t.Proxy
	}
	if proxy == nil || g.req == nil {
		return false
	}
	p, err := proxy(g.req)
	return err != nil || p != nil // an error: unknown, so do not refuse
}
