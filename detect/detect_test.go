package detect

import (
	"net/http"
	"testing"
)

func TestHelpers(t *testing.T) {
	t.Parallel()
	h := http.Header{"Operation-Location": {"https://h/op"}, "Location": {""}}
	checks := []struct {
		name      string
		got, want bool
	}{
		{"MayStart(200)", MayStart(200), true},
		{"MayStart(201)", MayStart(201), true},
		{"MayStart(202)", MayStart(202), true},
		{"MayStart(204)", MayStart(204), false},
		{"MayStart(303)", MayStart(303), false},
		{"MayStart(400)", MayStart(400), false},
		{"Success(200)", Success(200), true},
		{"Success(299)", Success(299), true},
		{"Success(204)", Success(204), false},
		{"Success(302)", Success(302), false},
		{"HasHeader(Operation-Location)", HasHeader(h, HeaderOperationLocation), true},
		{"HasHeader(empty Location)", HasHeader(h, HeaderLocation), false},
		{"HasHeader(absent)", HasHeader(h, http.CanonicalHeaderKey(HeaderAzureAsyncOperation)), false},
		{"IsRead(GET)", IsRead("GET"), true},
		{"IsRead(HEAD)", IsRead("HEAD"), true},
		{"IsRead(POST)", IsRead("POST"), false},
		{"LooksLikeObject(space {)", LooksLikeObject([]byte(" \n{\"a\":1}")), true},
		{"LooksLikeObject([)", LooksLikeObject([]byte(`[{}]`)), false},
		{"LooksLikeObject(empty)", LooksLikeObject(nil), false},
		{"Mentions", Mentions([]byte(`{"kind":"compute#operation"}`), `"compute#operation"`), true},
		{"Mentions unquoted", Mentions([]byte(`{"x":"compute#operations"}`), `"compute#operation"`), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %t, want %t", c.name, c.got, c.want)
		}
	}
}

func TestStartsByBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want bool
	}{
		{`{"properties":{"provisioningState":"Creating"}}`, true},
		{`{"properties":{"provisioningState":"Accepted"}}`, true},
		{`{"properties":{"provisioningState":"updating"}}`, true},
		{`{"properties":{"provisioningState":""}}`, true},
		{`{"properties":{"provisioningState":"Succeeded"}}`, false},
		{`{"properties":{"provisioningState":"failed"}}`, false},
		{`{"properties":{"provisioningState":"Canceled"}}`, false},
		{`{"properties":{"provisioningState":"Cancelled"}}`, false},
		{`{"properties":{"provisioningState":7}}`, false},
		{`{"provisioningState":"Creating"}`, false},
		{`{"properties":"provisioningState"}`, false},
		{`{"properties":{"provisioningState":"Creating"}`, false},
		{`["provisioningState"]`, false},
		// A terminal state is answered without parsing (settled); names
		// that fold to provisioningState otherwise still count.
		{`{"properties":{"provisioningState":"Succeeded","ProvisioningState":"Creating"}}`, true},
		{`{"properties":{"provisioningState":"Succeeded","PROVISIONINGSTATE":"Succeeded"}}`, false},
		{`{"properties":{"provisioningState":"Succeeded","provisioning\u0053tate":"Creating"}}`, true},
		{`{"properties":{"provisioningState":"Succeeded","provisioningſtate":"Creating"}}`, true},
		{`{"properties":{"provisioningState" :` + "\n" + ` "SUCCEEDED"}}`, false},
		{`{"properties":{"provisioningState":"Succeeded"},"x":"provisioningState"}`, false},
		{`{"properties":{"provisioningState":"Succeeded"}`, false},
		{`{"name":"x"}`, false},
		{``, false},
	}
	for _, tc := range tests {
		if got := StartsByBody([]byte(tc.body)); got != tc.want {
			t.Errorf("StartsByBody(%s) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

// BenchmarkStartsByBody: a PUT's 200 reporting Succeeded (answered by
// settled's scan) and one reporting Creating (parsed).
func BenchmarkStartsByBody(b *testing.B) {
	for _, tc := range []struct {
		name string
		body []byte
		want bool
	}{
		{"succeeded", []byte(`{"id":"/res/0","name":"res","properties":{"provisioningState":"Succeeded","size":3,"tier":"basic"}}`), false},
		{"creating", []byte(`{"id":"/res/0","name":"res","properties":{"provisioningState":"Creating","size":3,"tier":"basic"}}`), true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if StartsByBody(tc.body) != tc.want {
					b.Fatal("wrong answer")
				}
			}
		})
	}
}
