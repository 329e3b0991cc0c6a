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

// ResumeToken on the final response lro returned after polling says that
// the token comes from the response WithoutPolling returns; on any other
// response that starts no operation it says only that.
func TestResumeTokenOnPolledResponse(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPut, "https://svc.test/res/1", tkAnswer(201, `{}`, "Operation-Location", "https://svc.test/ops/1"))
	mt.RegisterResponder(http.MethodPost, "https://svc.test/res/1", tkAnswer(202, ``, "Operation-Location", "https://svc.test/ops/1"))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/ops/1", tkAnswer(200, `{"status":"Succeeded"}`))
	mt.RegisterResponder(http.MethodGet, "https://svc.test/res/1", tkAnswer(200, `{"name":"res1"}`))
	client := &http.Client{Transport: lro.New(mt, lro.WithPollInterval(time.Millisecond))}

	for _, method := range []string{
		http.MethodPut,  // the result is a final GET
		http.MethodPost, // the result is the monitor response lro read
	} {
		resp, err := client.Do(tkReq(t, method, "https://svc.test/res/1", ""))
		if err != nil {
			t.Fatal(err)
		}
		_, err = lro.ResumeToken(resp)
		resp.Body.Close()
		if !errors.Is(err, lro.ErrNotOperation) || !strings.Contains(err.Error(), "WithoutPolling") {
			t.Errorf("%s: ResumeToken(polled response) = %v, want ErrNotOperation naming WithoutPolling", method, err)
		}
		// What the message points to works.
		resp, err = client.Do(tkReq(t, method, "https://svc.test/res/1", "").WithContext(lro.WithoutPolling(context.Background())))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lro.ResumeToken(resp); err != nil {
			t.Errorf("%s: ResumeToken under WithoutPolling: %v", method, err)
		}
		resp.Body.Close()
	}

	resp, err := client.Get("https://svc.test/res/1") // a plain GET, no operation
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := lro.ResumeToken(resp); !errors.Is(err, lro.ErrNotOperation) || strings.Contains(err.Error(), "WithoutPolling") {
		t.Errorf("ResumeToken(plain GET) = %v, want a bare ErrNotOperation", err)
	}
}
