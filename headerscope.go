package lro

import "strings"

// Header scope: which of the original request's headers go to a host that
// is not the origin, its subdomains or WithTrustedHosts. An allow-list:
// only headers known to carry no secret go there. A deny-list of credential
// headers (and of names containing "key", "token", "auth"...) misses every
// vendor's own name for an API key (Ocp-Apim-Subscription-Key, X-Auth-Token,
// Api-Key, X-Goog-Api-Key, X-Amz-Security-Token...), and a miss leaks the
// key; an allow-list's miss only drops a harmless header from a poll, which
// WithSafeHeaders puts back. docs/security.md says more.

// defaultSafeHeaders go to any host: content negotiation, the client's
// name, trace context and client request ids.
var defaultSafeHeaders = [...]string{
	"Accept",
	"Accept-Encoding",
	"Accept-Language",
	"User-Agent",
	// W3C Trace Context and Baggage.
	"Traceparent",
	"Tracestate",
	"Baggage",
	// Zipkin B3, AWS X-Ray and Google Cloud trace headers.
	"B3",
	"X-B3-Traceid",
	"X-B3-Spanid",
	"X-B3-Parentspanid",
	"X-B3-Sampled",
	"X-B3-Flags",
	"X-Amzn-Trace-Id",
	"X-Cloud-Trace-Context",
	// Client request and correlation ids.
	"Request-Id",
	"X-Request-Id",
	"X-Correlation-Id",
	"X-Ms-Client-Request-Id",
	"X-Ms-Return-Client-Request-Id",
	"X-Ms-Useragent",
}

// foreignHeader reports whether header key of the original request may go
// to a host that is not trusted: it is safe (by default or through
// WithSafeHeaders) and not marked sensitive (WithSensitiveHeaders).
func (c *config) foreignHeader(key string) bool {
	for _, s := range c.sensitive {
		if strings.EqualFold(key, s) {
			return false
		}
	}
	for _, s := range defaultSafeHeaders {
		if strings.EqualFold(key, s) {
			return true
		}
	}
	for _, s := range c.safeHeaders {
		if strings.EqualFold(key, s) {
			return true
		}
	}
	return false
}
