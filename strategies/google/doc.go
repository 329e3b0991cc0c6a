// Package google implements Google's long-running operation protocols:
// AIP-151 operations (google.longrunning.Operation over HTTP/JSON, used by
// most Google Cloud APIs) and Compute Engine's own operations
// (compute#operation).
//
// Both are detected by the body of a 2xx answer to a request that is not a
// GET or HEAD: no header says "operation". A body shaped like one is safe to
// take for an operation only on Google's own hosts, so lro's default chain
// adds both strategies scoped to hosts under googleapis.com
// (strategies.OnHosts). Elsewhere (an emulator, a proxy, a service of your
// own that speaks AIP-151) they apply only when you add them to a chain:
//
//	tr := lro.New(base, lro.WithStrategies(append(lro.DefaultStrategies(),
//		google.Operations(), google.Compute())...))
//
// Google sends no Retry-After on operations: lro waits WithPollInterval,
// else its default schedule.
//
// Polls go to the same host as the request for AIP-151. Compute's selfLink
// may name another Google host (www.googleapis.com for a request to
// compute.googleapis.com): lro sends credentials only to the original host
// and its subdomains, so put the auth transport below lro (the usual way,
// as with golang.org/x/oauth2), or allow the host with WithTrustedHosts.
package google
