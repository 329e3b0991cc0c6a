package lro_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
)

// graceStep is one step of TestNotFoundGraceAcrossSteps.
type graceStep struct {
	do    string        // "poll", "pollUntilError" (Poll steps 10 ms apart), "resume" or "wait"
	wait  time.Duration // for "wait"
	want  string        // "running", "done", "404" (a ResponseError) or "404 grace" (one saying the grace ran out)
	polls int           // for "resume": the monitor requests it sends, when not 0
}

// TestNotFoundGraceAcrossSteps: a chain of Poll steps, and a Resume from a
// token made mid-operation, apply the not-found grace as one RoundTrip
// does: from the first poll's run, with the first 404 always counting, and
// never after the operation has been visible. Tokens made before any poll,
// old-format ones included, start the grace afresh.
func TestNotFoundGraceAcrossSteps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		grace   time.Duration
		monitor []int  // each poll's status (202 running, 200 done); the last repeats
		token   string // "start" (ResumeToken of the initial response) or "v1" (built as lro did before the grace's state)
		steps   []graceStep
	}{
		{"404 forever: Poll steps end when the grace runs out", 150 * time.Millisecond, []int{404}, "start",
			[]graceStep{{do: "pollUntilError", want: "404 grace"}}},
		{"404 twice then visible: Poll steps succeed", time.Minute, []int{404, 404, 200}, "start",
			[]graceStep{{do: "poll", want: "running"}, {do: "poll", want: "running"}, {do: "poll", want: "done"}}},
		{"token made before any poll: a late first 404 counts (Poll)", 50 * time.Millisecond, []int{404, 200}, "start",
			[]graceStep{{do: "wait", wait: 150 * time.Millisecond}, {do: "poll", want: "running"}, {do: "poll", want: "done"}}},
		{"token made before any poll: a late first 404 counts (Resume)", 50 * time.Millisecond, []int{404, 200}, "start",
			[]graceStep{{do: "wait", wait: 150 * time.Millisecond}, {do: "resume", want: "done", polls: 2}}},
		{"old-format token: Poll", 50 * time.Millisecond, []int{404, 200}, "v1",
			[]graceStep{{do: "wait", wait: 150 * time.Millisecond}, {do: "poll", want: "running"}, {do: "poll", want: "done"}}},
		{"old-format token: Resume", 50 * time.Millisecond, []int{404, 200}, "v1",
			[]graceStep{{do: "wait", wait: 150 * time.Millisecond}, {do: "resume", want: "done", polls: 2}}},
		{"old-format token: 404 forever, Poll steps end", 150 * time.Millisecond, []int{404}, "v1",
			[]graceStep{{do: "pollUntilError", want: "404 grace"}}},
		{"visible, then 404: Poll fails at once", time.Minute, []int{202, 404}, "start",
			[]graceStep{{do: "poll", want: "running"}, {do: "poll", want: "404"}}},
		{"visible, then 404: Resume fails at once", time.Minute, []int{202, 404}, "start",
			[]graceStep{{do: "poll", want: "running"}, {do: "resume", want: "404", polls: 1}}},
		{"404 past the grace: Resume fails at once", 100 * time.Millisecond, []int{404}, "start",
			[]graceStep{{do: "poll", want: "running"}, {do: "wait", wait: 250 * time.Millisecond}, {do: "resume", want: "404 grace", polls: 1}}},
		{"404 within the grace: Resume goes on", time.Minute, []int{404, 404, 200}, "start",
			[]graceStep{{do: "poll", want: "running"}, {do: "resume", want: "done", polls: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1"))
			var answers []httpmock.Responder
			for _, code := range tt.monitor {
				switch code {
				case 200:
					answers = append(answers, tkAnswer(200, `{"result":"done"}`))
				case 404:
					answers = append(answers, tkAnswer(404, `{"error":{"code":"NotFound"}}`))
				default:
					answers = append(answers, tkAnswer(code, ``))
				}
			}
			mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkSeq(answers...))
			tok := tkStart(t, mt, tkReq(t, http.MethodPost, "https://svc.test/res/1", ""))
			if tt.token == "v1" {
				tok = tkToken(1, `{"strategy":"location","method":"POST","url":"https://svc.test/res/1",`+
					`"pollURL":"https://svc.test/ops/1","location":"https://svc.test/ops/1","status":"InProgress"}`, "")
			}
			tr := lro.New(mt, lro.WithNotFoundGrace(tt.grace), lro.WithPollInterval(5*time.Millisecond),
				lro.WithMaxWait(30*time.Second))
			ctx := context.Background()
			for i, s := range tt.steps {
				before := mt.GetTotalCallCount()
				var err error
				switch s.do {
				case "wait":
					<-time.After(s.wait)
					continue
				case "poll":
					var res lro.PollResult
					res, err = tr.Poll(ctx, tok)
					if err == nil {
						tok = res.Token
						if got := map[bool]string{true: "done", false: "running"}[res.Done]; got != s.want {
							t.Fatalf("step %d: Poll is %s, want %s", i+1, got, s.want)
						}
						if res.Done {
							res.Response.Body.Close()
						}
					}
				case "pollUntilError":
					start, ok := time.Now(), 0
					for err == nil {
						if time.Since(start) > 10*time.Second {
							t.Fatalf("step %d: Poll steps still running after %v (%d steps)", i+1, time.Since(start), ok)
						}
						var res lro.PollResult
						if res, err = tr.Poll(ctx, tok); err == nil {
							if res.Done {
								t.Fatalf("step %d: Poll done, want the grace to run out", i+1)
							}
							tok, ok = res.Token, ok+1
							<-time.After(10 * time.Millisecond)
						}
					}
					// The grace begins at the first step's start, kept in
					// milliseconds: allow for the rounding.
					if took := time.Since(start); took < tt.grace-2*time.Millisecond || ok < 1 {
						t.Errorf("step %d: Poll steps ended after %v and %d running steps, want at least the grace (%v) and 1",
							i+1, took, ok, tt.grace)
					}
				case "resume":
					var resp *http.Response
					if resp, err = tr.Resume(ctx, tok); err == nil {
						resp.Body.Close()
						if s.want != "done" {
							t.Fatalf("step %d: Resume succeeded, want %s", i+1, s.want)
						}
					}
					if n := mt.GetTotalCallCount() - before; s.polls != 0 && n != s.polls {
						t.Errorf("step %d: Resume sent %d polls, want %d", i+1, n, s.polls)
					}
				}
				var re *lro.ResponseError
				is404 := strings.HasPrefix(s.want, "404")
				switch {
				case !is404 && err != nil:
					t.Fatalf("step %d (%s): %v, want %s", i+1, s.do, err, s.want)
				case is404 && (!errors.As(err, &re) || re.StatusCode != 404 || re.Token == ""):
					t.Fatalf("step %d (%s): err = %v, want a 404 ResponseError with a token", i+1, s.do, err)
				case is404 && strings.Contains(err.Error(), "grace") != (s.want == "404 grace"):
					t.Errorf("step %d (%s): %q; want it to name the grace: %t", i+1, s.do, err, s.want == "404 grace")
				}
			}
		})
	}
}
