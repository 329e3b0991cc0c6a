package lro

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/lrohttp/lro/strategies"
)

// Hooks are optional functions the transport calls as an operation goes, in
// the manner of net/http/httptrace.ClientTrace. Any field may be nil.
//
// Hooks run synchronously on the goroutine that called RoundTrip (or Resume,
// or Poll), in order for one operation, so they must return quickly. Hooks of
// different operations may run at the same time: a Hooks value shared by a
// Transport must be safe for concurrent use. Hooks must not close or keep the
// responses they are shown.
//
// Hooks set in New apply to every operation; hooks set per request through
// WithOptions run before them.
//
// An operation's hooks are called by RoundTrip, by Resume, and by each Poll
// call, which is a step of its own: Context and Started at its start, Done at
// its end (with DoneInfo.Pending when the operation goes on). Cancel calls no
// hook.
type Hooks struct {
	// Context is called once, first of all hooks, when an operation starts
	// (or Resume or Poll continues one). It returns the context that the
	// operation's own requests (polls, retries, redirects, the final GET)
	// carry and its waits watch, and that later hooks of the operation
	// receive as their Info's Context: a tracer puts its span there. It
	// must return info.Context or a context derived from it; nil keeps
	// info.Context. With several Hooks, each gets the context the one
	// before returned. info.Token is empty here.
	Context func(info StartInfo) context.Context
	// Started is called once, when a response starts an operation (or
	// Resume or Poll continues one), before the first wait.
	Started func(StartInfo)
	// Polled is called after each poll response has been read and handed
	// to the strategy, including 404s within the not-found grace.
	Polled func(PollInfo)
	// Waiting is called before each wait: between polls, and before
	// retrying a transient failure.
	Waiting func(WaitInfo)
	// Done is called once, when the operation ends, whatever the outcome
	// (under Poll, when the step ends).
	Done func(DoneInfo)
}

// StartInfo describes an operation that started.
type StartInfo struct {
	// Context is the operation's context: the request's (or the one given
	// to Resume or Poll), then as the Context hooks returned it.
	Context context.Context
	// Request is the caller's request; nil under Resume and Poll.
	Request *http.Request
	// Response is the response that started the operation; nil under
	// Resume and Poll. Its body belongs to the transport: hooks must not
	// read or close it. Its Request is the one the base transport sent
	// (with otelhttp as the base, its context holds the client span).
	Response *http.Response
	// Method and URL are the operation's original method and URL, also
	// under Resume and Poll (from the token). URL may hold a query.
	Method, URL string
	// Strategy is the name of the strategy that owns the operation.
	Strategy string
	// PollURL is the first polling URL.
	PollURL string
	// Status is the state the initial response declared.
	Status strategies.Status
	// Token resumes the operation from here.
	Token string
}

// PollInfo describes one poll response.
type PollInfo struct {
	// Context is the operation's context (see StartInfo.Context).
	Context context.Context
	// Attempt counts polls of this operation, from 1.
	Attempt int
	// StatusCode is the poll response's HTTP status.
	StatusCode int
	// Status is the operation's state after this poll, and ServiceStatus
	// the status string the service sent, if any.
	Status        strategies.Status
	ServiceStatus string
	// PercentComplete is the progress (0 to 100) the strategy read from
	// this poll (Azure's percentComplete, Google's progressPercent), when
	// HasPercentComplete.
	PercentComplete    float64
	HasPercentComplete bool
	// NotFound is true for a 404 taken as "not visible yet".
	NotFound bool
	// Response is the poll response. Its body has been read and closed;
	// Body reads those bytes again. They live in a buffer the operation
	// reuses for its next poll, so a hook that keeps them must copy them
	// before it returns.
	Response *http.Response
}

// WaitInfo describes a wait.
type WaitInfo struct {
	// Context is the operation's context (see StartInfo.Context).
	Context context.Context
	// Attempt is the number of polls so far.
	Attempt int
	// Delay is how long the transport will wait.
	Delay time.Duration
	// Reason says where Delay comes from.
	Reason WaitReason
}

// DoneInfo describes how an operation ended.
type DoneInfo struct {
	// Context is the operation's context (see StartInfo.Context).
	Context context.Context
	// Status is the operation's last known state.
	Status strategies.Status
	// Err is the error RoundTrip returns, or nil.
	Err error
	// Elapsed is the time since the operation started.
	Elapsed time.Duration
	// Requests counts the requests the operation sent, the initial one
	// included (not under Resume or Poll), redirects and retries included.
	Requests int
	// Pending is true when a Poll step ends without error and without the
	// final response: the operation goes on with the next Poll.
	Pending bool
}

// WithHooks adds hooks. In New they observe every operation of the
// Transport; through WithOptions they observe the operations of one request
// (and of Resume, Poll and Cancel calls made with that context), and run
// before the Transport's. Each call adds one set of hooks; they never replace
// hooks added before.
func WithHooks(h Hooks) Option {
	hp := &h
	return optionFunc(func(c *config) {
		c.hooks = append(c.hooks[:len(c.hooks):len(c.hooks)], hp)
	})
}

// SlogHooks returns hooks that log an operation's life to l (nil means
// slog.Default()): its start and its successful end at Info, each poll and
// wait at Debug, and an end in error at Warn for an operation that failed or
// was canceled, Error otherwise. URLs are logged without their query, which
// may hold signatures; tokens are not logged.
func SlogHooks(l *slog.Logger) Hooks {
	if l == nil {
		l = slog.Default()
	}
	ctx := context.Background()
	return Hooks{
		Started: func(i StartInfo) {
			attrs := []slog.Attr{slog.String("strategy", i.Strategy), slog.String("pollURL", stripQuery(i.PollURL)),
				slog.String("status", string(i.Status))}
			if i.Request != nil {
				attrs = append(attrs, slog.String("method", i.Request.Method), slog.String("url", stripQuery(i.Request.URL.String())))
			}
			l.LogAttrs(ctx, slog.LevelInfo, "lro: operation started", attrs...)
		},
		Polled: func(i PollInfo) {
			attrs := []slog.Attr{slog.Int("attempt", i.Attempt), slog.Int("httpStatus", i.StatusCode),
				slog.String("status", string(i.Status))}
			if i.ServiceStatus != "" {
				attrs = append(attrs, slog.String("serviceStatus", i.ServiceStatus))
			}
			if i.HasPercentComplete {
				attrs = append(attrs, slog.Float64("percentComplete", i.PercentComplete))
			}
			if i.NotFound {
				attrs = append(attrs, slog.Bool("notFound", true))
			}
			l.LogAttrs(ctx, slog.LevelDebug, "lro: polled", attrs...)
		},
		Waiting: func(i WaitInfo) {
			l.LogAttrs(ctx, slog.LevelDebug, "lro: waiting", slog.Int("attempt", i.Attempt),
				slog.Duration("delay", i.Delay), slog.String("reason", string(i.Reason)))
		},
		Done: func(i DoneInfo) {
			attrs := []slog.Attr{slog.String("status", string(i.Status)), slog.Duration("elapsed", i.Elapsed),
				slog.Int("requests", i.Requests)}
			switch {
			case i.Err == nil:
				l.LogAttrs(ctx, slog.LevelInfo, "lro: operation done", attrs...)
			case i.Status == strategies.Failed || i.Status == strategies.Canceled:
				l.LogAttrs(ctx, slog.LevelWarn, "lro: operation done", append(attrs, slog.String("error", i.Err.Error()))...)
			default:
				l.LogAttrs(ctx, slog.LevelError, "lro: operation done", append(attrs, slog.String("error", i.Err.Error()))...)
			}
		},
	}
}

// stripQuery returns u without its query and fragment (and password).
func stripQuery(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = "", false, "", ""
	return p.Redacted()
}

// started calls the Context hooks, which may replace r.ctx, then Started.
// resp is the response that started the operation; nil under Resume and
// Poll.
func (r *run) started(resp *http.Response) {
	if len(r.cfg.hooks) == 0 {
		return
	}
	info := StartInfo{Request: r.req, Response: resp, Method: r.op.Method, URL: r.op.URL,
		Strategy: r.op.Strategy, PollURL: r.op.PollURL, Status: r.op.Status}
	for _, h := range r.cfg.hooks {
		if h.Context != nil {
			info.Context = r.ctx
			if ctx := h.Context(info); ctx != nil {
				r.ctx = ctx
			}
		}
	}
	info.Context = r.ctx
	for _, h := range r.cfg.hooks {
		if h.Started != nil {
			if info.Token == "" {
				info.Token = r.token()
			}
			h.Started(info)
		}
	}
}

// polled calls the Polled hooks. PollInfo is built on the stack, so a poll
// allocates nothing for the hooks.
func (r *run) polled(resp *http.Response, notFound bool) {
	var info PollInfo
	built := false
	for _, h := range r.cfg.hooks {
		if h.Polled == nil {
			continue
		}
		if !built {
			info = PollInfo{Context: r.ctx, Attempt: r.polls, StatusCode: resp.StatusCode, Status: r.op.Status,
				ServiceStatus: r.op.ServiceStatus, NotFound: notFound, Response: resp}
			if !notFound {
				info.PercentComplete, info.HasPercentComplete = r.op.Progress, r.op.HasProgress
			}
			built = true
		}
		h.Polled(info)
	}
}

// done ends RoundTrip, Resume or a Poll step: it releases the request
// context (unless a final GET's body holds it) and calls the Done hooks.
func (r *run) done(err error, pending bool) {
	r.releaseContext()
	for _, h := range r.cfg.hooks {
		if h.Done != nil {
			h.Done(DoneInfo{Context: r.ctx, Status: r.op.Status, Err: err, Elapsed: time.Since(r.start), Requests: r.requests, Pending: pending})
		}
	}
}
