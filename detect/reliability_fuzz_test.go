package detect_test

import (
	"bytes"
	"testing"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// FuzzStartsByBody: any peeked body is safe to inspect; StartsByBody says
// yes exactly for a body that names "provisioningState" and parses
// (ParseFields, itself fuzzed against encoding/json) to a JSON object with a
// non-terminal properties.provisioningState: the scan that answers no for
// a terminal state without parsing (settled) changes no answer.
func FuzzStartsByBody(f *testing.F) {
	f.Add([]byte(`{"properties":{"provisioningState":"Creating"}}`))
	f.Add([]byte(`{"properties":{"provisioningState":"Succeeded"}}`))
	f.Add([]byte(`{"status":"Running","properties":{"provisioningState":1}}`))
	f.Add([]byte(`{"properties":{"provisioningState":"Creat`))
	f.Add([]byte(`{"properties":{"provisioningState":"Succeeded","ProvisioningState":"Creating"}}`))
	f.Add([]byte(`{"properties":{"provisioningState":"Succeeded","provisioning\u0053tate":"Creating"}}`))
	f.Add([]byte(`{"properties":{"provisioningState" : "FAILED", "provisioningſtate":"Creating"}}`))
	f.Add([]byte(`{"provisioningState":"Canceled","properties":{"provisioningState":"Cancelled"}}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		starts := detect.StartsByBody(body)
		fields, err := strategies.ParseFields(body)
		want := bytes.Contains(body, []byte(`"provisioningState"`)) && err == nil && fields.HasProvisioningState &&
			!strategies.ParseStatus(fields.ProvisioningState).Terminal()
		if starts != want {
			t.Fatalf("StartsByBody(%q) = %t, want %t (fields %+v, err %v)", body, starts, want, fields, err)
		}
	})
}
