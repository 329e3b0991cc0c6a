// Package lrotest simulates a service that runs Azure-style long-running
// operations (LROs), for tests, examples and benchmarks of LRO clients.
//
// A [Server] hosts any number of operations. [Server.Start] registers one,
// described by a [Scenario], and returns the resource URL the client sends
// its PUT, PATCH, POST or DELETE to. The method of that first request and
// the Scenario's [Protocol] decide the initial answer; the service then
// answers the client's polls with in-progress answers until it has given
// Scenario.Polls of them, and with the terminal answer from then on.
// Progress advances by poll count only, never by time, so tests are
// deterministic.
//
// Every operation serves three kinds of URL, all under the server's URL:
//
//	/resources/{id}      the resource URL returned by Start
//	/operations/{id}     the status monitor (Operation-Location,
//	                     Azure-AsyncOperation, or the Location protocol's
//	                     status URL; hops add a path segment)
//	/results/{id}        the result URL (the Location header that
//	                     WithLocation adds, and the POST result)
//
// Generated URLs never carry an api-version query parameter, so clients
// must carry it over themselves; [Server.Requests] records every request
// (with its query) for assertions, and Scenario.APIVersion makes the
// service reject requests that lack it.
//
// Failures are injected per request with [Fault]: error statuses with
// Retry-After, slow answers, connections cut mid-body, bodies that never
// end, and redirects.
//
// A [GoogleServer] simulates Google's protocols instead: AIP-151
// operations (success, error, already done, names with "/", "+" and "=",
// cancel) and Compute Engine operations (zonal, regional, global, DONE with
// errors), each described by a [GoogleScenario].
//
// A [VendorServer] simulates other vendors' status protocols, each
// described by a [VendorScenario] naming its [Vendor]: Microsoft Graph's
// copy monitor (on another host when MonitorHost is set) and
// richLongRunningOperation, the async request-reply pattern, GitHub's
// /stats/* 202, DigitalOcean actions and OpenStack server builds, with
// every ending the protocol has (success, failure, a 303 or 302 to the
// result) and progress where it reports one. [NewVendorTLSServer] serves
// them over TLS with a certificate for the host names a test dials to it
// (graph.microsoft.com, say).
package lrotest
