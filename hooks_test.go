package lro_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// hkMock is an Operation-Location PUT that runs one poll (50%), then
// succeeds (100%), and a resource to GET.
func hkMock(retryAfter string) *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPut, "https://svc.test/res/1",
		tkAnswer(201, `{"properties":{"provisioningState":"Creating"}}`, "Operation-Location", "https://svc.test/ops/1?sig=secret"))
	running := tkAnswer(200, `{"status":"Running","percentComplete":50}`)
	if retryAfter != "" {
		running = tkAnswer(200, `{"status":"Running","percentComplete":50}`, "Retry-After", retryAfter)
	}
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkSeq(running, tkAnswer(200, `{"status":"Succeeded","percentComplete":100}`)))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", tkAnswer(200, `{"name":"res1"}`))
	return mt
}

// hkLog records hook calls as text, tagged.
type hkLog struct {
	mu     sync.Mutex
	events []string
}

func (l *hkLog) add(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, fmt.Sprintf(format, a...))
}

func (l *hkLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.events...)
}

func (l *hkLog) hooks(tag string) lro.Hooks {
	return lro.Hooks{
		Started: func(i lro.StartInfo) {
			l.add("%s started %s %s %s token=%t req=%t", tag, i.Strategy, i.PollURL, i.Status, i.Token != "", i.Request != nil)
		},
		Polled: func(i lro.PollInfo) {
			l.add("%s polled #%d %d %s %s pct=%v/%t notFound=%t respStatus=%d", tag, i.Attempt, i.StatusCode, i.Status,
				i.ServiceStatus, i.PercentComplete, i.HasPercentComplete, i.NotFound, i.Response.StatusCode)
		},
		Waiting: func(i lro.WaitInfo) {
			l.add("%s waiting #%d %v %s", tag, i.Attempt, i.Delay, i.Reason)
		},
		Done: func(i lro.DoneInfo) {
			l.add("%s done %s err=%v requests=%d elapsed=%t", tag, i.Status, i.Err != nil, i.Requests, i.Elapsed > 0)
		},
	}
}

func TestHooksEvents(t *testing.T) {
	t.Parallel()
	var l hkLog
	tr := lro.New(hkMock(""), lro.WithHooks(l.hooks("T")), lro.WithPollInterval(time.Millisecond))
	resp, err := (&http.Client{Transport: tr}).Do(tkReq(t, http.MethodPut, "https://svc.test/res/1", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tkBody(t, resp), `{"name":"res1"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	want := []string{
		"T started operation-location https://svc.test/ops/1?sig=secret InProgress token=true req=true",
		"T waiting #0 1ms interval",
		"T polled #1 200 InProgress Running pct=50/true notFound=false respStatus=200",
		"T waiting #1 1ms interval",
		"T polled #2 200 Succeeded Succeeded pct=100/true notFound=false respStatus=200",
		"T done Succeeded err=false requests=4 elapsed=true",
	}
	if got := l.get(); !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n got %q\nwant %q", got, want)
	}
}

// Per-request hooks run before the transport's; nested WithOptions add
// theirs after the outer ones.
func TestHooksOrder(t *testing.T) {
	t.Parallel()
	var l hkLog
	tr := lro.New(hkMock(""), lro.WithHooks(lro.Hooks{Done: func(lro.DoneInfo) { l.add("transport") }}),
		lro.WithPollInterval(time.Millisecond))
	ctx := lro.WithOptions(context.Background(), lro.WithHooks(lro.Hooks{Done: func(lro.DoneInfo) { l.add("outer") }}))
	ctx = lro.WithOptions(ctx, lro.WithHooks(lro.Hooks{Done: func(lro.DoneInfo) { l.add("inner") }}),
		lro.WithHooks(lro.Hooks{Done: func(lro.DoneInfo) { l.add("inner2") }}))
	resp, err := tr.RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1", "").WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := l.get(), []string{"outer", "inner", "inner2", "transport"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}

	// A request without options sees only the transport's hooks.
	resp, err = tr.RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1", ""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := l.get()[4:], []string{"transport"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order without options = %q, want %q", got, want)
	}
}

func TestHooksWaitReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		opts       []lro.Option
		want       lro.WaitReason
		wantDelay  time.Duration
	}{
		{"retry-after", "1", []lro.Option{lro.WithMaxDelay(time.Millisecond)}, lro.WaitRetryAfter, time.Millisecond},
		{"interval", "", []lro.Option{lro.WithPollInterval(2 * time.Millisecond)}, lro.WaitInterval, 2 * time.Millisecond},
		{"schedule", "", nil, lro.WaitSchedule, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := hkMock(tt.retryAfter)
			var waits []lro.WaitInfo
			opts := append(tt.opts, lro.WithHooks(lro.Hooks{Waiting: func(w lro.WaitInfo) { waits = append(waits, w) }}))
			tr := lro.New(mt, opts...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.want == lro.WaitSchedule {
				// The schedule starts at 1 s: stop at the first wait.
				ctx = lro.WithOptions(ctx, lro.WithHooks(lro.Hooks{Waiting: func(lro.WaitInfo) { cancel() }}))
			}
			resp, err := tr.RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1", "").WithContext(ctx))
			if err == nil {
				resp.Body.Close()
			}
			if len(waits) < 1 {
				t.Fatalf("no wait observed (err %v)", err)
			}
			// The first wait follows the initial response (no Retry-After);
			// the second follows the running poll.
			got := waits[len(waits)-1]
			if tt.want == lro.WaitRetryAfter {
				got = waits[1]
			}
			if got.Reason != tt.want || got.Delay != tt.wantDelay {
				t.Errorf("wait = %+v, want reason %s delay %v", got, tt.want, tt.wantDelay)
			}
		})
	}
}

func TestHooksDoneOnFailure(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://svc.test/act", tkAnswer(202, "", "Operation-Location", "https://svc.test/ops/9"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/9",
		tkAnswer(200, `{"status":"Failed","error":{"code":"Boom","message":"it broke"}}`))
	var got lro.DoneInfo
	calls := 0
	tr := lro.New(mt, lro.WithPollInterval(time.Millisecond),
		lro.WithHooks(lro.Hooks{Done: func(i lro.DoneInfo) { got = i; calls++ }}))
	_, err := tr.RoundTrip(tkReq(t, http.MethodPost, "https://svc.test/act", ""))
	var oe *lro.OperationError
	if !errors.As(err, &oe) {
		t.Fatalf("err = %v, want *OperationError", err)
	}
	if calls != 1 || got.Status != strategies.Failed || got.Err != err || got.Requests != 2 {
		t.Errorf("done called %d times with %+v, want once with Failed, the error, 2 requests", calls, got)
	}
}

// Under Resume, Started has no Request, and Requests counts only what
// Resume sent.
func TestHooksResume(t *testing.T) {
	t.Parallel()
	mt := hkMock("")
	resp, err := lro.New(mt).RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1", "").
		WithContext(lro.WithoutPolling(context.Background())))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := lro.ResumeToken(resp)
	if err != nil {
		t.Fatal(err)
	}
	var l hkLog
	ctx := lro.WithOptions(context.Background(), lro.WithHooks(l.hooks("R")), lro.WithPollInterval(time.Millisecond))
	resp, err = lro.New(mt).Resume(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ev := l.get()
	if got, want := ev[0], "R started operation-location https://svc.test/ops/1?sig=secret InProgress token=true req=false"; got != want {
		t.Errorf("started = %q, want %q", got, want)
	}
	if got, want := ev[len(ev)-1], "R done Succeeded err=false requests=3 elapsed=true"; got != want {
		t.Errorf("done = %q, want %q", got, want)
	}
}

func TestSlogHooks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fail  bool
		level slog.Level
		want  []string
		never []string
	}{
		{"debug", false, slog.LevelDebug,
			[]string{"level=INFO msg=\"lro: operation started\" strategy=operation-location pollURL=https://svc.test/ops/1 status=InProgress method=PUT url=https://svc.test/res/1",
				"level=DEBUG msg=\"lro: waiting\" attempt=0 delay=1ms reason=interval",
				"level=DEBUG msg=\"lro: polled\" attempt=1 httpStatus=200 status=InProgress serviceStatus=Running percentComplete=50",
				"level=INFO msg=\"lro: operation done\" status=Succeeded"},
			[]string{"sig=secret", "token"}},
		{"info", false, slog.LevelInfo,
			[]string{"lro: operation started", "lro: operation done"},
			[]string{"lro: polled", "lro: waiting"}},
		{"failure", true, slog.LevelInfo,
			[]string{"level=WARN msg=\"lro: operation done\" status=Failed"},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := hkMock("")
			if tt.fail {
				mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, `{"status":"Failed"}`))
			}
			var buf bytes.Buffer
			l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level,
				ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey {
						return slog.Attr{}
					}
					return a
				}}))
			tr := lro.New(mt, lro.WithHooks(lro.SlogHooks(l)), lro.WithPollInterval(time.Millisecond))
			req := tkReq(t, http.MethodPut, "https://svc.test/res/1?api-version=1&sig=secret", "")
			req.SetBasicAuth("user", "pass")
			resp, err := tr.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			out := buf.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("log lacks %q:\n%s", w, out)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(out, n) {
					t.Errorf("log has %q:\n%s", n, out)
				}
			}
		})
	}
}

func TestSlogHooksNilLogger(t *testing.T) {
	t.Parallel()
	h := lro.SlogHooks(nil)
	if h.Started == nil || h.Polled == nil || h.Waiting == nil || h.Done == nil {
		t.Fatalf("SlogHooks(nil) = %+v, want every hook set", h)
	}
}

// One Hooks value serves operations running at once (the race detector
// checks lro's side).
func TestHooksConcurrent(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	done := 0
	tr := lro.New(hkMock(""), lro.WithPollInterval(time.Millisecond),
		lro.WithHooks(lro.Hooks{Done: func(lro.DoneInfo) { mu.Lock(); done++; mu.Unlock() }}))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := tr.RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1", ""))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	if done != 8 {
		t.Errorf("Done called %d times, want 8", done)
	}
}

type hkCtxKey struct{}

// hkCtxRT records, for each request lro sends, its method and path and the
// value the Context hooks put in its context.
type hkCtxRT struct {
	mu   sync.Mutex
	base http.RoundTripper
	seen []string
}

func (rt *hkCtxRT) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.seen = append(rt.seen, fmt.Sprintf("%s %s %v", req.Method, req.URL.Path, req.Context().Value(hkCtxKey{})))
	rt.mu.Unlock()
	return rt.base.RoundTrip(req)
}

// hkCtxHooks returns hooks whose Context appends tag to the context's
// value, and which log what each hook sees in its Info's Context.
func hkCtxHooks(l *hkLog, tag string) lro.Hooks {
	return lro.Hooks{
		Context: func(i lro.StartInfo) context.Context {
			prev, _ := i.Context.Value(hkCtxKey{}).(string)
			l.add("%s context %s %s prev=%q req=%t resp=%t token=%q", tag, i.Method, i.URL, prev, i.Request != nil, i.Response != nil, i.Token)
			return context.WithValue(i.Context, hkCtxKey{}, prev+tag)
		},
		Started: func(i lro.StartInfo) { l.add("%s started %v", tag, i.Context.Value(hkCtxKey{})) },
		Polled:  func(i lro.PollInfo) { l.add("%s polled %v", tag, i.Context.Value(hkCtxKey{})) },
		Waiting: func(i lro.WaitInfo) { l.add("%s waiting %v", tag, i.Context.Value(hkCtxKey{})) },
		Done: func(i lro.DoneInfo) {
			l.add("%s done %v %s pending=%t err=%t", tag, i.Context.Value(hkCtxKey{}), i.Status, i.Pending, i.Err != nil)
		},
	}
}

// The Context hook runs first; its context reaches every request of the
// operation and every later hook, chained across hook sets in their order.
func TestHooksContext(t *testing.T) {
	t.Parallel()
	rt := &hkCtxRT{base: hkMock("")}
	var l hkLog
	var initial *http.Response
	tr := lro.New(rt, lro.WithPollInterval(time.Millisecond), lro.WithHooks(hkCtxHooks(&l, "B")),
		lro.WithHooks(lro.Hooks{Context: func(i lro.StartInfo) context.Context { initial = i.Response; return nil }}))
	ctx := lro.WithOptions(context.Background(), lro.WithHooks(hkCtxHooks(&l, "A")))
	resp, err := tr.RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1?api-version=1", "").WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tkBody(t, resp), `{"name":"res1"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if initial == nil || initial.StatusCode != 201 || initial.Header.Get("Operation-Location") == "" {
		t.Errorf("StartInfo.Response = %v, want the initial 201", initial)
	}
	wantSeen := []string{"PUT /res/1 <nil>", "GET /ops/1 AB", "GET /ops/1 AB", "GET /res/1 AB"}
	if !reflect.DeepEqual(rt.seen, wantSeen) {
		t.Errorf("requests:\n got %q\nwant %q", rt.seen, wantSeen)
	}
	want := []string{
		`A context PUT https://svc.test/res/1?api-version=1 prev="" req=true resp=true token=""`,
		`B context PUT https://svc.test/res/1?api-version=1 prev="A" req=true resp=true token=""`,
		"A started AB", "B started AB",
		"A waiting AB", "B waiting AB", "A polled AB", "B polled AB",
		"A waiting AB", "B waiting AB", "A polled AB", "B polled AB",
		"A done AB Succeeded pending=false err=false", "B done AB Succeeded pending=false err=false",
	}
	if got := l.get(); !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n got %q\nwant %q", got, want)
	}
}

// Resume and each Poll step call Context with the token's method and URL
// and no request; a Poll step that leaves the operation running ends Pending.
func TestHooksContextResumeAndPoll(t *testing.T) {
	t.Parallel()
	mt := hkMock("")
	resp, err := lro.New(mt).RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1", "").
		WithContext(lro.WithoutPolling(context.Background())))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := lro.ResumeToken(resp)
	if err != nil {
		t.Fatal(err)
	}
	rt := &hkCtxRT{base: mt}
	var l hkLog
	tr := lro.New(rt, lro.WithPollInterval(time.Millisecond), lro.WithHooks(hkCtxHooks(&l, "P")))
	for step := 1; ; step++ {
		res, err := tr.Poll(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if res.Done {
			res.Response.Body.Close()
			break
		}
		if step == 5 {
			t.Fatal("Poll not done after 5 steps")
		}
		tok = res.Token
	}
	want := []string{
		`P context PUT https://svc.test/res/1 prev="" req=false resp=false token=""`, "P started P", "P polled P",
		"P done P InProgress pending=true err=false",
		`P context PUT https://svc.test/res/1 prev="" req=false resp=false token=""`, "P started P", "P polled P",
		"P done P Succeeded pending=true err=false",
		`P context PUT https://svc.test/res/1 prev="" req=false resp=false token=""`, "P started P",
		"P done P Succeeded pending=false err=false",
	}
	if got := l.get(); !reflect.DeepEqual(got, want) {
		t.Errorf("Poll events:\n got %q\nwant %q", got, want)
	}
	if want := []string{"GET /ops/1 P", "GET /ops/1 P", "GET /res/1 P"}; !reflect.DeepEqual(rt.seen, want) {
		t.Errorf("Poll requests:\n got %q\nwant %q", rt.seen, want)
	}

	// Resume: one operation, from a fresh token; the transport's hooks
	// (P) chain after the request's (R).
	resp, err = lro.New(mt).RoundTrip(tkReq(t, http.MethodPut, "https://svc.test/res/1", "").
		WithContext(lro.WithoutPolling(context.Background())))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err = lro.ResumeToken(resp); err != nil {
		t.Fatal(err)
	}
	var lr hkLog
	ctx := lro.WithOptions(context.Background(), lro.WithHooks(hkCtxHooks(&lr, "R")))
	resp, err = tr.Resume(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ev := lr.get()
	if got, want := ev[0], `R context PUT https://svc.test/res/1 prev="" req=false resp=false token=""`; got != want {
		t.Errorf("Resume context = %q, want %q", got, want)
	}
	if got, want := ev[len(ev)-1], "R done RP Succeeded pending=false err=false"; got != want {
		t.Errorf("Resume done = %q, want %q", got, want)
	}
}
