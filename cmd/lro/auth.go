package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"

	"github.com/lrohttp/lro/strategies"
)

// tokens gives the bearer token of --bearer-env or --token-cmd.
type tokens struct {
	env    string // --bearer-env's value, read once
	cmd    string // --token-cmd
	stderr io.Writer

	mu     sync.Mutex
	cur    string
	issued map[string]bool // every "Bearer …" value handed out
}

// get returns the current Authorization value, running the command the first
// time.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur == "" {
		if err := t.fetch(ctx); err != nil {
			return "", err
		}
	}
	return t.cur, nil
}

// refresh runs --token-cmd again after stale was refused; it reports
// whether there is a new value to try. A --bearer-env token cannot change.
func (t *tokens) refresh(ctx context.Context, stale string) (bool, error) {
	if t.cmd == "" {
		return false, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur != stale { // another request refreshed it already
		return true, nil
	}
	if err := t.fetch(ctx); err != nil {
		return false, err
	}
	return t.cur != stale, nil
}

func (t *tokens) fetch(ctx context.Context) error {
	tok := t.env
	if t.cmd != "" {
		cmd := exec.CommandContext(ctx, "sh", "-c", t.cmd)
		cmd.Stderr = t.stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("lro: --token-cmd: %w", err)
		}
		tok = strings.TrimSpace(string(out))
		if tok == "" || strings.ContainsAny(tok, "\r\n") {
			return fmt.Errorf("lro: --token-cmd printed no token (or more than one line)")
		}
	}
	t.cur = "Bearer " + tok
	if t.issued == nil {
		t.issued = map[string]bool{}
	}
	t.issued[t.cur] = true
	return nil
}

func (t *tokens) ours(v string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.issued[v]
}

// authTransport sits below lro.Transport and sees every request it sends.
//
// On a request lro sends for a caller (lro URL), it adds nothing: lro has
// copied the caller's headers, credentials only where they may go. It only
// swaps a bearer value of ours for the current one, and on a 401 runs
// --token-cmd again and sends the request once more.
//
// Under resume, poll and cancel, lro copies no header (the token holds
// none), so addHeaders adds the -H headers and the bearer token itself, by
// the library's rule with the --trusted-host hosts standing in for the
// original host: all of them to those hosts and their subdomains, and only
// the --safe-header ones anywhere else.
type authTransport struct {
	base       http.RoundTripper
	tok        *tokens     // nil without --bearer-env and --token-cmd
	addHeaders http.Header // nil for lro URL; the -H headers under resume
	trusted    []string
	safeNames  []string                      // --safe-header: may go to any host
	verbose    func(format string, a ...any) // nil without -v
}

func (a *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req, bearer, err := a.prepare(req)
	if err != nil {
		return nil, err
	}
	resp, err := a.send(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || bearer == "" {
		return resp, err
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return resp, nil // cannot send the body again
	}
	fresh, err := a.tok.refresh(req.Context(), bearer)
	if err != nil || !fresh {
		if err != nil && a.verbose != nil {
			a.verbose("* %v", err)
		}
		return resp, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if a.verbose != nil {
		a.verbose("* 401: ran --token-cmd again, sending the request once more")
	}
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		if again.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	cur, err := a.tok.get(req.Context())
	if err != nil {
		return nil, err
	}
	again.Header.Set("Authorization", cur)
	return a.send(again)
}

// prepare returns the request to send (a clone when it changes) and the
// bearer value of ours it carries, if any.
func (a *authTransport) prepare(req *http.Request) (*http.Request, string, error) {
	var set http.Header
	if a.addHeaders != nil {
		set = http.Header{}
		trusted := hostTrusted(req.URL.Hostname(), a.trusted)
		for k, v := range a.addHeaders {
			if req.Header.Get(k) == "" && (trusted || a.safe(k)) {
				set[k] = v
			}
		}
		if a.tok != nil && trusted {
			cur, err := a.tok.get(req.Context())
			if err != nil {
				return nil, "", err
			}
			set.Set("Authorization", cur)
		}
	} else if a.tok != nil {
		if v := req.Header.Get("Authorization"); v != "" && a.tok.ours(v) {
			cur, err := a.tok.get(req.Context())
			if err != nil {
				return nil, "", err
			}
			if cur != v {
				set = http.Header{"Authorization": {cur}}
			}
			if set == nil {
				return req, v, nil
			}
		}
	}
	if len(set) == 0 {
		return req, "", nil
	}
	c := req.Clone(req.Context())
	for k, v := range set {
		c.Header[k] = v
	}
	bearer := ""
	if v := c.Header.Get("Authorization"); a.tok != nil && a.tok.ours(v) {
		bearer = v
	}
	return c, bearer, nil
}

func (a *authTransport) send(req *http.Request) (*http.Response, error) {
	if a.verbose != nil {
		a.verbose("> %s %s", req.Method, req.URL.Redacted())
	}
	resp, err := a.base.RoundTrip(req)
	if a.verbose != nil {
		if err != nil {
			a.verbose("< %v", err)
		} else {
			a.verbose("< %s %s", resp.Proto, resp.Status)
		}
	}
	return resp, err
}

func (a *authTransport) safe(name string) bool {
	for _, n := range a.safeNames {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// hostTrusted reports whether host is one of trusted or a subdomain of one,
// by the rule the library applies to WithTrustedHosts (strategies.HostUnder).
func hostTrusted(host string, trusted []string) bool {
	for _, t := range trusted {
		if strategies.HostUnder(host, t) {
			return true
		}
	}
	return false
}
