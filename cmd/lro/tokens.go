package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"strings"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/lrohttp/lro"
)

// resume runs lro resume TOKEN: it waits for the operation to end.
func (s *session) resume(ctx context.Context) int {
	resp, err := s.transport().Resume(ctx, s.c.arg)
	if err != nil {
		return s.failed(ctx, err)
	}
	return s.output(resp)
}

// pollJSON is what lro poll prints.
type pollJSON struct {
	Status        string   `json:"status"`
	ServiceStatus string   `json:"service_status,omitempty"`
	Done          bool     `json:"done"`
	Percent       *float64 `json:"percent"`
	Next          float64  `json:"next"` // seconds
	Token         string   `json:"token"`
	HTTPStatus    int      `json:"http_status,omitempty"`
}

// poll runs lro poll TOKEN: one step, one JSON object on stdout.
func (s *session) poll(ctx context.Context) int {
	var pct *float64
	pctx := lro.WithOptions(ctx, lro.WithHooks(lro.Hooks{Polled: func(i lro.PollInfo) {
		if i.HasPercentComplete {
			v := i.PercentComplete
			pct = &v
		}
	}}))
	res, err := s.transport().Poll(pctx, s.c.arg)
	var oe *lro.OperationError
	if err != nil && !errors.As(err, &oe) {
		return s.failed(ctx, err)
	}
	out := pollJSON{Status: string(res.Status), ServiceStatus: clean(res.ServiceStatus), Done: res.Done,
		Percent: pct, Next: res.Next.Seconds(), Token: res.Token}
	code := exitOK
	if oe != nil {
		out.Done = true
		if oe.Response != nil {
			out.HTTPStatus = oe.Response.StatusCode
		}
	}
	if res.Response != nil {
		out.HTTPStatus = res.Response.StatusCode
		code = s.saveBody(res.Response.Body)
	}
	b, _ := json.Marshal(out)
	fmt.Fprintf(s.env.stdout, "%s\n", b)
	if oe != nil {
		s.disp.message(clean(oe.Error()))
		return exitFailed
	}
	if code == exitOK && s.c.fail && out.HTTPStatus >= 400 {
		s.disp.message(fmt.Sprintf("lro: the final response is %d (--fail)", out.HTTPStatus))
		return exitHTTPError
	}
	return code
}

// saveBody writes the final body of lro poll to -o FILE, or discards it:
// stdout holds the JSON object only.
func (s *session) saveBody(body io.ReadCloser) int {
	defer body.Close()
	if s.c.output == "" {
		_, _ = io.Copy(io.Discard, body)
		return exitOK
	}
	f, err := os.Create(s.c.output)
	if err != nil {
		return s.fail(fmt.Errorf("lro: %w", err))
	}
	_, err = io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return s.fail(fmt.Errorf("lro: writing %s: %w", s.c.output, err))
	}
	return exitOK
}

// cancel runs lro cancel TOKEN.
func (s *session) cancel(ctx context.Context) int {
	if err := s.transport().Cancel(ctx, s.c.arg); err != nil {
		if errors.Is(err, lro.ErrCancelNotSupported) {
			s.disp.message("lro: this operation's protocol has no way to cancel it (the service may offer one of its own)")
			return exitNetwork
		}
		return s.failed(ctx, err)
	}
	s.disp.message("lro: cancel requested; lro resume TOKEN shows how the operation ends")
	return exitOK
}

// resumeCommand returns the shell command that resumes tok with this
// command's settings. It never holds a credential: -H credentials are left
// out (with a note to add them again); --bearer-env and --token-cmd name
// where the token comes from.
func (s *session) resumeCommand(tok string) string {
	c := s.c
	args := []string{"lro", "resume", tok}
	for _, p := range c.protos {
		args = append(args, "--protocol", p)
	}
	for _, f := range c.rules {
		args = append(args, "--rules", f)
	}
	hdr := c.header()
	var dropped []string
	creds := s.tok != nil
	carried := false // a -H header is in the command
	for _, kv := range c.headers {
		name, value, _ := strings.Cut(kv, ":")
		name = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
		switch {
		case isCredential(name):
			creds = true
			dropped = append(dropped, name)
			continue
		case !pollHeader(name):
			continue
		}
		if hdr.Get(name) != "" {
			args = append(args, "-H", name+": "+strings.TrimSpace(value))
			carried = true
		}
	}
	for _, h := range c.allow {
		args = append(args, "--allow-host", h)
	}
	for _, n := range c.safe {
		args = append(args, "--safe-header", n)
	}
	if creds || carried { // under resume they go only to trusted hosts: name the original one
		seen := map[string]bool{}
		for _, h := range append([]string{s.host}, c.trusted...) {
			if h != "" && !seen[strings.ToLower(h)] {
				seen[strings.ToLower(h)] = true
				args = append(args, "--trusted-host", h)
			}
		}
	}
	if c.bearer != "" {
		args = append(args, "--bearer-env", c.bearer)
	}
	if c.tokenCmd != "" {
		args = append(args, "--token-cmd", c.tokenCmd)
	}
	if c.interval > 0 {
		args = append(args, "--interval", time.Duration(c.interval).String())
	}
	if c.maxDelay > 0 {
		args = append(args, "--max-delay", time.Duration(c.maxDelay).String())
	}
	if c.include {
		args = append(args, "-i")
	}
	if c.fail {
		args = append(args, "--fail")
	}
	if c.output != "" {
		args = append(args, "-o", c.output)
	}
	for i, a := range args {
		if q, err := syntax.Quote(a, syntax.LangPOSIX); err == nil {
			args[i] = q
		} else {
			args[i] = "'" + clean(a) + "'" // a control character: cannot be typed anyway
		}
	}
	cmd := strings.Join(args, " ")
	if len(dropped) > 0 {
		cmd += "\n  (add your -H " + strings.Join(dropped, ", -H ") + " again: lro prints no credential)"
	}
	return cmd
}

// pollHeader reports whether a -H header means something on the GETs that
// polls are: lro drops body, conditional and idempotency headers from them.
func pollHeader(name string) bool {
	switch {
	case strings.HasPrefix(name, "Content-"), strings.HasPrefix(name, "If-"),
		name == "Idempotency-Key", strings.HasPrefix(name, "Repeatability-"):
		return false
	}
	return true
}
