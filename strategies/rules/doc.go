// Package rules describes a polling protocol as data: a Rule says which
// responses start an operation, where to poll, what the status words mean,
// and where the result, the progress and the error are. A Rule is a Go
// struct literal, or the same shape in a JSON file (Load); users write no
// Go code for the long tail of "202 + status URL" services (DigitalOcean
// actions, OpenStack servers, HCP Terraform runs, Databricks runs).
//
// A DigitalOcean action, as a rule file:
//
//	{
//	  "name": "digitalocean-action",
//	  "start":  {"methods": ["POST"], "statusCodes": [201], "hosts": ["api.digitalocean.com"], "field": "/action/id"},
//	  "poll":   {"template": "/v2/actions/{/action/id}"},
//	  "status": {"field": "/action/status", "inProgress": ["in-progress"],
//	             "success": ["completed"], "failure": ["errored"]}
//	}
//
// Locations in a body are a JSON Pointer (RFC 6901: "/links/actions/0/href")
// or a small dotted path ("links.actions.0.href"; a segment of digits indexes
// an array). A URL template fills each {location} with that field of the
// initial body, path-escaped, and resolves the result against the request's
// URL.
//
// How a rule reads each status answer, in order: a followed redirect ends
// the operation when status.redirect is "success" (the async request-reply
// pattern), that answer being the result; the status field's value, matched
// without regard to case against inProgress, success, failure and
// canceled, decides the state; a value in no list takes status.unknown
// ("inProgress" by default, or "failure"; never success, so a word nobody
// listed cannot turn into a result); a 202 without the field is in
// progress, any other answer without it is an error. A failure or
// cancellation is an *lro.OperationError with the code and message found at
// error.code and error.message.
//
// Where it applies: only where the rule says, and start.hosts is required
// ("*" must be written out to mean every host). Rules are never in the
// default chain; put them first in yours:
//
//	rs, err := rules.Load("digitalocean.json")
//	tr := lro.New(base, lro.WithStrategies(append(rs, lro.DefaultStrategies()...)...))
//
// # What was taken from Smithy waiters and TypeSpec, and what was left out
//
// Smithy waiters (smithy.io, "Waiters") describe polling as an ordered list
// of acceptors, each a matcher (an output path compared with a value, an
// error type, success of the call) and a state: success, failure or retry;
// when no acceptor matches, the waiter retries. Delays are minDelay and
// maxDelay (2 s and 120 s by default), with exponential backoff and jitter
// in between. Taken: the three outcomes, matching by a path into the body,
// and "nothing matched means try again" as the default (status.unknown).
// Left out: general comparators (allStringEquals, anyStringEquals,
// booleanEquals) and JMESPath, for one status field and word lists, which
// is what the services above need; matching on the input or on error types,
// since lro sees only HTTP answers; and per-rule delays, because the
// transport already owns the schedule (Retry-After, WithPollInterval,
// WithMaxDelay, retries with jitter) and one schedule for all protocols is
// simpler to reason about. Smithy waiters also poll the *same* operation
// again; a rule polls a URL, which is what HTTP services hand out.
//
// TypeSpec's Azure.Core library marks an LRO's pieces with decorators:
// @pollingOperation and @pollingLocation (where to poll), @lroStatus with
// @lroSucceeded, @lroFailed and @lroCanceled on enum members (the status
// field and its terminal words), @lroResult and @lroErrorResult (where the
// result and the error are), @finalLocation and @finalOperation (where the
// final result is fetched from), and @useFinalStateVia. Taken: a status
// field with succeeded, failed and canceled words; separate locations for
// the polling URL, the result URL and the error; and the choice of where
// the result comes from (last poll, a URL field, the original URL).
// Left out: linking operations with parameters mapped from the request
// (@pollingOperationParameter, @finalOperation's parameter map), beyond one
// URL template filled from the initial body; and types, since lro returns
// the raw HTTP response and decodes no result.
package rules
