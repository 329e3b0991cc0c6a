package lro_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies/location"
)

// Every error says "lro:" once and each URL once, and explains itself: what
// the service answered, how often and for how long, its error code and
// message, and what lro knows about the cause.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	const (
		res   = "https://svc.test/res/1"
		ops   = "https://svc.test/ops/1"
		other = "https://other.test/ops/1"
	)
	failBody := `{"error":{"code":"OperationFailed","message":"the disk is full"}}`
	boom := errors.New("connection reset by peer")
	fast := []lro.Option{lro.WithPollInterval(time.Millisecond), lro.WithBackoff(nil, time.Millisecond, 2*time.Millisecond)}
	tests := []struct {
		name   string
		method string
		header http.Header
		// initial answers the first request; polls answer GETs of the
		// polling URL (ops or other).
		initial  httpmock.Responder
		poll     string
		polls    httpmock.Responder
		opts     []lro.Option
		want     string // a regular expression matching the whole message
		wantURLs []string
	}{
		{
			name: "operation failed", method: http.MethodPut,
			initial: tkAnswer(201, `{}`, "Operation-Location", ops), poll: ops,
			polls: tkAnswer(200, `{"status":"Failed","error":{"code":"DiskFull","message":"no space left"}}`),
			want:  `^lro: operation Failed: DiskFull: no space left$`,
		},
		{
			name: "Location operation ending in 500", method: http.MethodPost,
			initial: tkAnswer(202, ``, "Location", ops), poll: ops,
			polls: tkAnswer(500, failBody), opts: []lro.Option{lro.WithMaxRetries(2)},
			want:     `^lro: GET https://svc\.test/ops/1 answered 500 Internal Server Error 3 times over \d+(\.\d+)?m?s \(retries exhausted\): OperationFailed: the disk is full$`,
			wantURLs: []string{ops},
		},
		{
			name: "404 after the grace", method: http.MethodPut,
			initial: tkAnswer(201, `{}`, "Operation-Location", ops), poll: ops,
			polls:    tkAnswer(404, `{"error":{"code":"NotFound","message":"no such operation"}}`),
			opts:     []lro.Option{lro.WithNotFoundGrace(time.Millisecond), lro.WithPollInterval(5 * time.Millisecond)},
			want:     `^lro: GET https://svc\.test/ops/1 answered 404 Not Found: still not found when the not-found grace \(1ms\) ran out: NotFound: no such operation$`,
			wantURLs: []string{ops},
		},
		{
			name: "401 where lro withheld credentials", method: http.MethodPut,
			header:  http.Header{"Authorization": {"Bearer secret"}},
			initial: tkAnswer(201, `{}`, "Operation-Location", other), poll: other,
			polls:    tkAnswer(401, `{"error":{"code":"Unauthorized","message":"no token"}}`),
			want:     `^lro: GET https://other\.test/ops/1 answered 401 Unauthorized: lro withheld the original request's Authorization from other\.test, which is not the original host; if that host should get them, name it in WithTrustedHosts: Unauthorized: no token$`,
			wantURLs: []string{other},
		},
		{
			name: "403 on a trusted host says nothing of credentials", method: http.MethodPut,
			header:  http.Header{"Authorization": {"Bearer secret"}},
			initial: tkAnswer(201, `{}`, "Operation-Location", other), poll: other,
			polls: tkAnswer(403, ``), opts: []lro.Option{lro.WithTrustedHosts("other.test")},
			want: `^lro: GET https://other\.test/ops/1 answered 403 Forbidden$`,
		},
		{
			name: "invalid JSON shows the body's start", method: http.MethodPut,
			initial: tkAnswer(201, `{}`, "Operation-Location", ops), poll: ops,
			polls:    tkAnswer(200, `<html><body>Bad Gateway</body></html>`),
			want:     `^lro: .*https://svc\.test/ops/1.*: status body is not valid JSON: invalid character '<' looking for beginning of value; the body starts "<html><body>Bad Gateway</body></html>"$`,
			wantURLs: []string{ops},
		},
		{
			name: "connection errors past the retries", method: http.MethodPut,
			initial: tkAnswer(201, `{}`, "Operation-Location", ops), poll: ops,
			polls: httpmock.NewErrorResponder(boom), opts: []lro.Option{lro.WithMaxRetries(1)},
			want:     `^lro: GET https://svc\.test/ops/1 failed 2 times over \d+(\.\d+)?m?s \(retries exhausted\), the last time: connection reset by peer$`,
			wantURLs: []string{ops},
		},
		{
			name: "maximum wait", method: http.MethodPut,
			initial: tkAnswer(201, `{}`, "Operation-Location", ops, "Retry-After", "1"), poll: ops,
			polls: tkAnswer(200, `{"status":"Running"}`), opts: []lro.Option{lro.WithMaxWait(time.Millisecond)},
			want:     `^lro: polling https://svc\.test/ops/1: operation exceeded its maximum wait \(1ms\)$`,
			wantURLs: []string{ops},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tc.method, res, tc.initial)
			mt.RegisterResponder(http.MethodGet, tc.poll, tc.polls)
			tr := lro.New(mt, append(append([]lro.Option{}, fast...), tc.opts...)...)
			req := tkReq(t, tc.method, res, "")
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got %s, want an error", resp.Status)
			}
			checkMessage(t, err, tc.want, tc.wantURLs...)
			if _, ok := lro.TokenFromError(err); !ok {
				t.Errorf("error %q carries no resume token", err)
			}
		})
	}
}

// checkMessage checks the message of err, as lro made it (inside the
// *url.Error that http.Client adds), against the regular expression want,
// and that it says "lro:" once and each of urls once.
func checkMessage(t *testing.T, err error, want string, urls ...string) {
	t.Helper()
	for {
		u := errors.Unwrap(err)
		if u == nil || strings.HasPrefix(err.Error(), "lro: ") {
			break
		}
		err = u
	}
	msg := err.Error()
	if !regexp.MustCompile(want).MatchString(msg) {
		t.Errorf("message:\n got %s\nwant %s", msg, want)
	}
	if n := strings.Count(msg, "lro:"); n != 1 {
		t.Errorf("message %q says lro: %d times, want 1", msg, n)
	}
	for _, u := range urls {
		if n := strings.Count(msg, u); n != 1 {
			t.Errorf("message %q names %s %d times, want 1", msg, u, n)
		}
	}
}

// A refused cancel names the method it sent.
func TestCancelErrorNamesItsMethod(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Location", "https://svc.test/ops/1"))
			mt.RegisterResponder(method, "https://svc.test/ops/1/cancel", tkAnswer(409, `{"error":{"code":"Conflict","message":"already finishing"}}`))
			s := tkCanceler{location.New(), method}
			tr := lro.New(mt, lro.WithStrategies(s))
			tok := tkStart(t, tr, tkReq(t, http.MethodPost, "https://svc.test/res/1", "").
				WithContext(lro.WithOptions(context.Background(), lro.WithStrategies(s))))
			err := tr.Cancel(context.Background(), tok)
			var re *lro.ResponseError
			if !errors.As(err, &re) || re.Code != "Conflict" || re.Message != "already finishing" || re.Attempts != 1 {
				t.Fatalf("err = %#v, want a ResponseError with the service's code and message, 1 attempt", err)
			}
			checkMessage(t, err, `^lro: cancel `+method+` https://svc\.test/ops/1/cancel answered 409 Conflict: Conflict: already finishing$`)
		})
	}
}

// http.Client.Timeout ends the operation with an error net/http flattens:
// lro cannot keep the token there, so its message says why and what to do.
// A context deadline keeps the token and needs no such advice.
func TestClientTimeoutIsExplained(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPut, "https://svc.test/res/1", tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, `{"status":"Running"}`))
	tr := lro.New(mt, lro.WithPollInterval(5*time.Millisecond))

	var started string
	ctx := lro.WithOptions(context.Background(), lro.WithHooks(lro.Hooks{Started: func(s lro.StartInfo) { started = s.Token }}))
	client := &http.Client{Transport: tr, Timeout: 50 * time.Millisecond}
	_, err := client.Do(tkReq(t, http.MethodPut, "https://svc.test/res/1", "").WithContext(ctx))
	if err == nil {
		t.Fatal("no error, want the Client's timeout")
	}
	t.Logf("error: %v", err)
	if !strings.Contains(err.Error(), "http.Client.Timeout ended the operation") || !strings.Contains(err.Error(), "Hooks.Started") {
		t.Errorf("error %q does not explain the Client.Timeout", err)
	}
	if _, ok := lro.TokenFromError(err); ok {
		t.Log("net/http kept lro's error this time: it replaces it only when its own timer notices first")
	}
	if started == "" {
		t.Fatal("Hooks.Started gave no token")
	}
	if _, err := tr.Poll(context.Background(), started); err != nil {
		t.Errorf("Poll with the token from Hooks.Started: %v", err)
	}

	dctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = (&http.Client{Transport: tr}).Do(tkReq(t, http.MethodPut, "https://svc.test/res/1", "").WithContext(dctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
	if strings.Contains(err.Error(), "Client.Timeout") {
		t.Errorf("error %q blames http.Client.Timeout for a context deadline", err)
	}
	if _, ok := lro.TokenFromError(err); !ok {
		t.Errorf("error %q after a context deadline carries no token", err)
	}
}
