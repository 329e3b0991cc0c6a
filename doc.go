// Package lro is an http.RoundTripper that completes long-running operations
// (LROs): requests a service answers with "202 Accepted, ask me later" (or a
// 200 or 201 naming a status monitor, or a resource whose provisioningState
// is not final yet).
//
//	client := &http.Client{Transport: lro.New(http.DefaultTransport)}
//	resp, err := client.Do(req) // a PUT answered 201 + Operation-Location:
//	                            // resp is the final GET of the resource
//
// RoundTrip asks its chain of strategies (package strategies and its
// subpackages, in the order DefaultStrategies gives) whether the response
// starts an operation: each strategy decides where its protocol applies.
// The owner's answers drive one poll loop until the operation ends, and
// RoundTrip returns the final response as if the service had answered
// synchronously. Everything
// else passes through untouched. Per-request options travel in the context
// (WithOptions, WithoutPolling); Hooks (WithHooks, SlogHooks) observe an
// operation; resume tokens (ResumeToken, Transport.Resume, Transport.Poll,
// Transport.Cancel) let an operation outlive the process that started it.
// A token holds the operation (method, URLs, strategy, status, the
// strategy's Data) and the not-found grace's state, so that Resume and a
// chain of Poll steps go on as one RoundTrip would; never a header.
//
// Users extend the chain with their own strategies (WithStrategies): one
// that reads a status differently, one for a protocol of their own (its
// Applies says where), one that can cancel the remote operation
// (strategies.Canceler), or one that reads its protocol's error bodies
// (strategies.ErrorReader).
//
// # Where lro deviates from the http.RoundTripper contract
//
// The contract says a RoundTripper executes a single transaction. When a
// response starts an operation, RoundTrip sends further requests of its own
// and may block for as long as the operation runs (bounded by WithMaxWait
// and the request's context). Those requests are fresh GETs with the
// caller's context and no body; the caller's request is never modified or
// sent again. They carry the caller's headers except body, conditional and
// idempotency headers; a host other than the original one, its subdomains
// and WithTrustedHosts gets only the safe ones (WithSafeHeaders: Accept,
// User-Agent, trace context, client request ids), never a credential or API
// key. URLs that point at link-local or cloud metadata addresses, or at
// loopback or private ones from an origin outside that range, are refused
// with ErrForbiddenURL (WithAllowedHosts; docs/security.md). lro follows
// redirects on its own polls, since the http.Client that called it cannot
// see them. The response RoundTrip returns
// may come from another URL than req's; its Request field is the request
// that produced it. RoundTrip interprets responses: an operation that ends
// Failed or Canceled returns an *OperationError, and a poll that fails
// returns a *ResponseError or *PollError, never a response and an error
// together. A ResponseError carries the service's error code and message as
// the operation's strategy reads them from the error body
// (strategies.ErrorReader, else strategies.ParseServiceError).
//
// Under WithoutPolling, the base transport is sent a shallow copy of req
// whose context records the Transport's configuration, so that ResumeToken,
// given the response, asks this Transport's chain; the response is
// otherwise untouched.
//
// Ending the request's context stops waiting; it does not cancel the remote
// operation. Transport.Cancel does, for strategies that can.
//
// Bodies: the initial response's body is drained (bounded) and closed once
// polling starts; every status body is read (up to WithMaxStatusBody) and
// closed; the final GET's body streams to the caller untouched, except that
// a failed read of it returns a *PollError carrying the resume token. When the
// result is a response already read, the caller gets a fresh reader over the
// same bytes.
//
// # Timeouts
//
// WithPollTimeout bounds one poll (sending it and reading its body; the
// final GET only until its headers), and a poll that times out is retried
// like any transient failure. WithMaxWait and the request's context
// deadline bound the whole operation. lro notices either itself and returns
// its own typed error, which http.Client passes on inside a *url.Error, so
// the resume token survives (TokenFromError) and the operation can be
// finished later.
//
// http.Client.Timeout bounds the whole client.Do, so with lro it bounds the
// whole operation, and when it fires net/http usually replaces lro's error
// with a flat one of its own: TokenFromError and errors.As find nothing in
// it, and only the text says what lro saw (lro adds that the Client's
// timeout ended the operation). Bound an operation with a context deadline
// or WithMaxWait instead, or keep the token that Hooks.Started reports
// before the first wait.
//
// # Code map
//
// Each file of this package holds one idea:
//
//   - transport.go: Transport, New and RoundTrip, the entry point.
//   - chain.go: the default chain and its order; asking the chain whether a
//     response starts an operation (Applies, peek, Start).
//   - poll.go: the poll loop (run), and the one place the strategy's
//     decision about the result is acted on (decide, act).
//   - resume.go: ResumeToken, Transport.Resume, Transport.Poll and
//     Transport.Cancel.
//   - token.go: the resume token format and its checks.
//   - retry.go: retry policy, backoff, Retry-After and the poll schedule.
//   - request.go: building poll requests, credential scope, redirects.
//   - polltimeout.go: the poll timeout, one context and one timer per
//     operation.
//   - headerscope.go, urlpolicy.go: which headers and URLs may go where
//     (the header allow-list, the URL policy; docs/security.md).
//   - bodies.go: peeking, reading, draining and replaying bodies.
//   - options.go, hooks.go, errors.go: options, hooks and errors.
//
// Protocols live in strategies/ (one package each); detect/ holds the
// helpers they share; lrotest/ simulates the services for tests.
package lro
