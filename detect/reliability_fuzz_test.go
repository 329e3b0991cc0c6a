package detect_test

import (
	"net/http"
	"testing"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// FuzzClassify: Classify never panics and follows its rules: only 200, 201
// and 202 can start an operation; a polling header on them always does (for
// 202, Location too); Body only for PUT and PATCH.
func FuzzClassify(f *testing.F) {
	f.Add("PUT", 201, "https://h/op", "", "")
	f.Add("POST", 202, "", "", "/status")
	f.Add("PATCH", 200, "", "", "")
	f.Add("DELETE", 204, "x", "y", "z")
	f.Fuzz(func(t *testing.T, method string, status int, ol, aao, loc string) {
		h := http.Header{}
		for k, v := range map[string]string{detect.HeaderOperationLocation: ol, detect.HeaderAzureAsyncOperation: aao, detect.HeaderLocation: loc} {
			if v != "" {
				h.Set(k, v)
			}
		}
		got := detect.Classify(method, status, h)
		monitor := ol != "" || aao != ""
		var want detect.Kind
		switch {
		case status == 202 && (monitor || loc != ""):
			want = detect.Headers
		case (status == 200 || status == 201) && monitor:
			want = detect.Headers
		case (status == 200 || status == 201) && (method == http.MethodPut || method == http.MethodPatch):
			want = detect.Body
		}
		if got != want {
			t.Fatalf("Classify(%q, %d, %v) = %v, want %v", method, status, h, got, want)
		}
	})
}

// FuzzStartsByBody: any peeked body is safe to inspect; StartsByBody says
// yes only for a JSON object with a non-terminal provisioningState, and
// InitialState agrees with ParseFields.
func FuzzStartsByBody(f *testing.F) {
	f.Add([]byte(`{"properties":{"provisioningState":"Creating"}}`))
	f.Add([]byte(`{"properties":{"provisioningState":"Succeeded"}}`))
	f.Add([]byte(`{"status":"Running","properties":{"provisioningState":1}}`))
	f.Add([]byte(`{"properties":{"provisioningState":"Creat`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		starts := detect.StartsByBody(body)
		st, svc, ok := detect.InitialState(body)
		fields, err := strategies.ParseFields(body)
		if starts && (err != nil || !fields.HasProvisioningState || strategies.ParseStatus(fields.ProvisioningState).Terminal()) {
			t.Fatalf("StartsByBody(%q) = true, but fields %+v, err %v", body, fields, err)
		}
		if ok && (err != nil || strategies.ParseStatus(svc) != st) {
			t.Fatalf("InitialState(%q) = %q %q, but fields %+v, err %v", body, st, svc, fields, err)
		}
		if !ok && err == nil && (fields.HasStatus || fields.HasProvisioningState) {
			t.Fatalf("InitialState(%q) found nothing in %+v", body, fields)
		}
	})
}
