package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lrohttp/lro"
)

// run runs one command line and returns the exit code.
func run(ctx context.Context, args []string, env *environ) int {
	c, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(env.stderr, "%v\nlro --help shows how to use it.\n", err)
		return exitUsage
	}
	if c.help {
		printHelp(env.stdout, c.cmd)
		return exitOK
	}
	if c.cmd == "demo" {
		return runDemo(ctx, c, env)
	}
	mode := plain
	switch {
	case c.silent:
		mode = silent
	case c.cmd == "poll" && !c.verbose:
		mode = silent // stdout has the JSON; stderr only errors
	case env.terminal && !c.verbose:
		mode = live
	}
	s := &session{c: c, env: env, disp: newDisplay(mode, env.stderr, env.width)}
	return s.exec(ctx)
}

// session is one command being run.
type session struct {
	c    *config
	env  *environ
	disp *display
	tok  *tokens
	host string // the request URL's host, trusted with credentials
	done lro.DoneInfo
}

func (s *session) exec(ctx context.Context) int {
	if s.c.bearer != "" || s.c.tokenCmd != "" {
		s.tok = &tokens{cmd: s.c.tokenCmd, stderr: s.env.stderr}
		if s.c.bearer != "" {
			if s.tok.env = s.env.getenv(s.c.bearer); s.tok.env == "" {
				return s.fail(usagef("--bearer-env: $%s is empty or not set", s.c.bearer))
			}
		}
	}
	if s.c.cmd != "" && (s.tok != nil || len(s.c.headers) > 0) && len(s.c.trusted) == 0 {
		s.disp.message("lro: warning: no --trusted-host, so no credential and no -H header but --safe-header ones is sent (under " + s.c.cmd + " they go only to --trusted-host hosts)")
	}
	switch s.c.cmd {
	case "resume":
		return s.resume(ctx)
	case "poll":
		return s.poll(ctx)
	case "cancel":
		return s.cancel(ctx)
	}
	return s.request(ctx)
}

// transport returns the lro Transport the command uses.
func (s *session) transport() *lro.Transport {
	base := &authTransport{base: http.DefaultTransport, tok: s.tok, trusted: s.c.trusted, safeNames: s.c.safe}
	if s.c.cmd != "" {
		base.addHeaders = s.c.header()
	}
	opts := []lro.Option{lro.WithHooks(s.disp.hooks()), lro.WithHooks(lro.Hooks{Done: func(i lro.DoneInfo) { s.done = i }})}
	if s.c.verbose {
		base.verbose = s.disp.verbosef
		opts = append(opts, lro.WithHooks(s.disp.waitHook()))
	}
	if s.c.maxWait > 0 {
		opts = append(opts, lro.WithMaxWait(time.Duration(s.c.maxWait)))
	}
	if s.c.interval > 0 {
		opts = append(opts, lro.WithPollInterval(time.Duration(s.c.interval)))
	}
	if s.c.maxDelay > 0 {
		opts = append(opts, lro.WithMaxDelay(time.Duration(s.c.maxDelay)))
	}
	if len(s.c.trusted) > 0 {
		opts = append(opts, lro.WithTrustedHosts(s.c.trusted...))
	}
	if len(s.c.allow) > 0 {
		opts = append(opts, lro.WithAllowedHosts(s.c.allow...))
	}
	if len(s.c.safe) > 0 {
		opts = append(opts, lro.WithSafeHeaders(s.c.safe...))
	}
	if ch := s.c.chain(s.host); ch != nil {
		opts = append(opts, lro.WithStrategies(ch...))
	}
	return lro.New(base, opts...)
}

// newRequest builds the request of lro [flags] URL.
func (s *session) newRequest(ctx context.Context) (*http.Request, error) {
	c := s.c
	var body []byte
	hdr := c.header()
	switch {
	case c.json != "":
		b, err := readData(c.json, s.env.stdin)
		if err != nil {
			return nil, err
		}
		body = b
		if hdr.Get("Content-Type") == "" {
			hdr.Set("Content-Type", "application/json")
		}
		if hdr.Get("Accept") == "" {
			hdr.Set("Accept", "application/json")
		}
	case len(c.data) > 0:
		parts := make([][]byte, len(c.data))
		for i, d := range c.data {
			b, err := readData(d, s.env.stdin)
			if err != nil {
				return nil, err
			}
			parts[i] = b
		}
		body = bytes.Join(parts, []byte("&"))
		if hdr.Get("Content-Type") == "" {
			hdr.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	method := c.method
	if method == "" {
		method = http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.arg, r)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if req.URL.Host == "" {
		return nil, usagef("URL %q has no host", c.arg)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v[0]
			continue
		}
		req.Header[k] = v
	}
	if s.tok != nil {
		v, err := s.tok.get(ctx)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", v)
	}
	return req, nil
}

// request runs lro [flags] URL.
func (s *session) request(ctx context.Context) int {
	req, err := s.newRequest(ctx)
	if err != nil {
		return s.fail(err)
	}
	s.host = req.URL.Hostname()
	if s.c.noWait {
		req = req.WithContext(lro.WithoutPolling(ctx))
	}
	client := &http.Client{
		Transport:     s.transport(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, // as curl without -L
	}
	resp, err := client.Do(req)
	if err != nil {
		return s.failed(ctx, err)
	}
	if s.c.noWait {
		return s.noWait(resp)
	}
	return s.output(resp)
}

// noWait prints the initial response and its resume token.
func (s *session) noWait(resp *http.Response) int {
	tok, err := lro.ResumeToken(resp)
	if err != nil {
		if errors.Is(err, lro.ErrNotOperation) && !s.c.tokOnly {
			// Nothing to resume: the response is the final one.
			if s.disp.mode != silent {
				s.disp.message("lro: the response starts no operation: it is final")
			}
			return s.output(resp)
		}
		resp.Body.Close()
		if errors.Is(err, lro.ErrNotOperation) {
			return s.fail(fmt.Errorf("lro: %s answered %s, which starts no operation: no token", resp.Request.Method, resp.Status))
		}
		return s.fail(err)
	}
	if s.c.tokOnly {
		resp.Body.Close()
		fmt.Fprintln(s.env.stdout, tok)
		return exitOK
	}
	code := s.output(resp)
	s.disp.message("lro: the operation goes on; wait for it with:\n  " + s.resumeCommand(tok))
	return code
}

// output writes a final response: status line and headers with -i, then the
// body, to stdout or -o FILE. It closes the body.
func (s *session) output(resp *http.Response) int {
	defer resp.Body.Close()
	s.summary(resp)
	if s.c.fail && resp.StatusCode >= 400 {
		s.disp.message(fmt.Sprintf("lro: the final response is %s (--fail)", resp.Status))
		return exitHTTPError
	}
	w := s.env.stdout
	if s.c.output != "" {
		f, err := os.Create(s.c.output)
		if err != nil {
			return s.fail(fmt.Errorf("lro: %w", err))
		}
		defer f.Close()
		w = f
	}
	if s.c.include {
		if err := writeHead(w, resp); err != nil {
			return s.fail(fmt.Errorf("lro: writing the output: %w", err))
		}
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		var pe *lro.PollError
		if errors.As(err, &pe) {
			return s.withResume(exitNetwork, errText(err), pe.Token)
		}
		return s.fail(fmt.Errorf("lro: copying the final body: %w", err))
	}
	if f, ok := w.(*os.File); ok && s.c.output != "" {
		if err := f.Close(); err != nil {
			return s.fail(fmt.Errorf("lro: %w", err))
		}
	}
	return exitOK
}

// summary replaces the progress display with the operation's summary.
func (s *session) summary(resp *http.Response) {
	op, _ := s.disp.started()
	if !op {
		s.disp.finish("")
		return
	}
	var line string
	if st := s.done.Status; st.Terminal() {
		line = fmt.Sprintf("%s in %s after %d requests", st, fmtElapsed(s.done.Elapsed), s.done.Requests)
	} else {
		line = fmt.Sprintf("Stopped waiting after %s and %d requests (last status %s)", fmtElapsed(s.done.Elapsed), s.done.Requests, st)
	}
	if resp != nil {
		line += ": " + resp.Status
	}
	s.disp.finish(line)
}

func writeHead(w io.Writer, resp *http.Response) error {
	if _, err := fmt.Fprintf(w, "%s %s\r\n", resp.Proto, resp.Status); err != nil {
		return err
	}
	if err := resp.Header.Write(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\r\n")
	return err
}

// failed reports an error of RoundTrip, Resume or Poll and returns the exit
// code.
func (s *session) failed(ctx context.Context, err error) int {
	tok, _ := lro.TokenFromError(err)
	var oe *lro.OperationError
	switch {
	case ctx.Err() != nil:
		s.summary(nil)
		if tok == "" {
			s.disp.message("lro: interrupted")
			return exitInterrupted
		}
		return s.withResume(exitInterrupted, "lro: interrupted; the operation goes on (lro never cancels it)", tok)
	case errors.As(err, &oe):
		s.summary(nil)
		if s.c.include && oe.Response != nil {
			_ = writeHead(s.env.stdout, oe.Response)
			_, _ = io.Copy(s.env.stdout, oe.Response.Body)
		}
		s.disp.message(clean(oe.Error()))
		return exitFailed
	case errors.Is(err, lro.ErrInvalidToken):
		s.summary(nil)
		s.disp.message(errText(err))
		return exitUsage
	case errors.Is(err, lro.ErrMaxWait):
		s.summary(nil)
		return s.withResume(exitMaxWait, "lro: gave up waiting (--max-wait); the operation goes on", tok)
	}
	s.summary(nil)
	// A *lro.ResponseError's message holds the service's error code and
	// message already.
	return s.withResume(exitNetwork, errText(err), tok)
}

// withResume prints msg, then the command that resumes tok if there is one.
func (s *session) withResume(code int, msg, tok string) int {
	if tok != "" {
		msg += "; resume with:\n  " + s.resumeCommand(tok)
	}
	s.disp.message(msg)
	return code
}

// fail prints err and returns its exit code: 2 for usage errors, else 3.
func (s *session) fail(err error) int {
	s.disp.finish("")
	var ue *usageError
	if errors.As(err, &ue) {
		s.disp.message(ue.Error())
		return exitUsage
	}
	s.disp.message(errText(err))
	return exitNetwork
}

// errText is an error's message with one "lro:" prefix.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && strings.HasPrefix(ue.Err.Error(), "lro:") {
		return clean(ue.Err.Error())
	}
	if msg := err.Error(); strings.HasPrefix(msg, "lro:") {
		return clean(msg)
	}
	return "lro: " + clean(err.Error())
}
