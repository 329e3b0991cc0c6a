package detect_test

import (
	"testing"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// FuzzStartsByBody: any peeked body is safe to inspect; StartsByBody says
// yes only for a JSON object with a non-terminal provisioningState.
func FuzzStartsByBody(f *testing.F) {
	f.Add([]byte(`{"properties":{"provisioningState":"Creating"}}`))
	f.Add([]byte(`{"properties":{"provisioningState":"Succeeded"}}`))
	f.Add([]byte(`{"status":"Running","properties":{"provisioningState":1}}`))
	f.Add([]byte(`{"properties":{"provisioningState":"Creat`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		starts := detect.StartsByBody(body)
		fields, err := strategies.ParseFields(body)
		if starts && (err != nil || !fields.HasProvisioningState || strategies.ParseStatus(fields.ProvisioningState).Terminal()) {
			t.Fatalf("StartsByBody(%q) = true, but fields %+v, err %v", body, fields, err)
		}
	})
}
