package lro_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
)

// TestLocationBodyFailure: with Azure's Location protocol, a poll whose
// JSON body has a top-level status of Failed or Canceled (any case) is an
// *OperationError with the body's error, as the same initial body is;
// other status words in a final resource body leave it the result.
func TestLocationBodyFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, final string
		code        int
		wantStatus  string // OperationError.ServiceStatus; "" for a result
		wantCode    string
	}{
		{"Failed 200", `{"status":"Failed","error":{"code":"QuotaExceeded","message":"No quota."}}`, 200, "Failed", "QuotaExceeded"},
		{"failed lower case", `{"status":"failed"}`, 200, "failed", ""},
		{"Canceled 200", `{"status":"Canceled"}`, 200, "Canceled", ""},
		{"Failed in a 202", `{"status":"Failed","error":{"code":"X","message":"y"}}`, 202, "Failed", "X"},
		{"resource status Running", `{"id":"r","status":"Running"}`, 200, "", ""},
		{"resource status Active", `{"id":"r","status":"Active"}`, 200, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					w.Header().Set("Location", "/status")
					w.WriteHeader(http.StatusAccepted)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.code)
				_, _ = w.Write([]byte(tc.final))
			}))
			t.Cleanup(srv.Close)
			client := &http.Client{Transport: lro.New(nil, lro.WithPollInterval(time.Millisecond), lro.WithMaxWait(5*time.Second))}
			resp, err := client.Post(srv.URL+"/jobs", "application/json", nil)
			if tc.wantStatus == "" {
				if err != nil {
					t.Fatal(err)
				}
				if body := readBody(t, resp); body != tc.final {
					t.Errorf("body = %s, want %s", body, tc.final)
				}
				return
			}
			var oe *lro.OperationError
			if !errors.As(err, &oe) || oe.ServiceStatus != tc.wantStatus || oe.Code != tc.wantCode {
				t.Fatalf("err = %v, want *OperationError status %q code %q", err, tc.wantStatus, tc.wantCode)
			}
			if !strings.Contains(err.Error(), tc.wantStatus) {
				t.Errorf("error %q does not say %q", err, tc.wantStatus)
			}
		})
	}
}
