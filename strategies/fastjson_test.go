package strategies

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

var fastSeeds = []string{
	`{"status":"Running"}`,
	`{"id":"0","status":"Succeeded","percentComplete":100}`,
	` {"status" : "InProgress" , "x":[1,{"status":"no"}],"y":{"a":"}"}} `,
	`{"Status":"a","STATUS":"b"}`,
	`{"status":"a","status":5}`,
	`{"status":null}`,
	`{"status":"esc\"aped\u00e9"}`,
	`{"status":"caf` + "\xc3\xa9" + `"}`,
	`{"status":"bad` + "\xff" + `"}`,
	`{"st\u0061tus":"x"}`,
	`{"ſtatus":"x"}`,
	`{"propertıes":{"provisioningState":"Creating"}}`,
	`{"properties":{"provisioningState":"Creating","x":{"provisioningState":"no"}}}`,
	`{"properties":{"provisioningState":"Creating"},"properties":5}`,
	`{"properties":{"PROVISIONINGSTATE":"Updating","provisioningstate":7}}`,
	`{"properties":null}`,
	`{"resourceLocation":"https://h/r","resourcelocation":"https://h/s"}`,
	`{"percentComplete":12.5e1}`,
	`{"percentComplete":null}`,
	`{"percentComplete":5,"percentComplete":null}`,
	`{"percentComplete":"5"}`,
	`{"percentComplete":1e400}`,
	`{"percentComplete":-0}`,
	`{"percentComplete":true}`,
	`{"error":{"code":"Bad","message":"no","details":[{"code":"x"}]}}`,
	`{"error":{"code":1,"message":null}}`,
	`{"error":{"code":404,"message":"m","status":"NOT_FOUND"}}`,
	`{"error":{"code":-0}}`,
	`{"error":{"code":-12,"code":"X"}}`,
	`{"error":{"code":4.0}}`,
	`{"error":{"code":4e2}}`,
	`{"error":{"code":123456789012345678}}`,
	`{"error":{"code":9223372036854775807}}`,
	`{"error":{"code":9223372036854775808}}`,
	`{"error":{"code":-9223372036854775808}}`,
	`{"error":{"code":-9223372036854775809}}`,
	`{"error":{"code":1,"message":"m"},"error":{"code":2}}`,
	`{"error":"x"}`,
	`{}`,
	`{ }`,
	`null`,
	`[1]`,
	`"s"`,
	`5`,
	`{"status":"x"`,
	`{"status":"x"}}`,
	`{"status":"x",}`,
	`{"a":tru}`,
	"{\"status\":\"x\"}\n",
	`{"":1,"status":"Cancelled"}`,
	`{"a":[[[]]],"b":{"c":{"d":"\\"}},"status":"Failed"}`,
	`{"properties":{"provisioningState":"A"},"properties":{"x":1}}`,
	`{"properties":{"provisioningState":"A"},"properties":{"provisioningState":"B"}}`,
	`{"error":{"code":"a"},"error":{"message":"m"}}`,
	`{"error":{"code":"a","message":"m"},"error":null}`,
	`{"properties":{"x":{"provisioningState":"deep"}},"status":"Running"}`,
	`{"properties":{"provisioningState":"A","provisioningState":null}}`,
}

func checkFast(t *testing.T, body []byte) {
	fast, ok := parseFieldsFast(body)
	if !ok {
		return
	}
	slow, err := parseFieldsSlow(body)
	if err != nil {
		t.Fatalf("%q: fast path accepted what encoding/json refuses: %v", body, err)
	}
	// The whole structs, so a field added to Fields is compared too. JSON
	// has no NaN, but a NaN on both sides is the same answer.
	if math.IsNaN(fast.PercentComplete) && math.IsNaN(slow.PercentComplete) {
		fast.PercentComplete, slow.PercentComplete = 0, 0
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%q:\nfast %+v\nslow %+v", body, fast, slow)
	}
}

func TestParseFieldsFastMatchesEncodingJSON(t *testing.T) {
	for _, s := range fastSeeds {
		checkFast(t, []byte(s))
	}
	if _, ok := parseFieldsFast([]byte(`{"status":"Running"}`)); !ok {
		t.Fatal("fast path declined a plain status body")
	}
}

func FuzzParseFieldsFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkFast(t, body) })
}

func TestParseFieldsAllocs(t *testing.T) {
	body := []byte(`{"id":"0","status":"Running","percentComplete":30,"properties":{"provisioningState":"Creating"}}`)
	if n := testing.AllocsPerRun(100, func() { _, _ = ParseFields(body) }); n != 0 {
		t.Errorf("ParseFields: %v allocations, want 0", n)
	}
}

var validSeeds = []string{
	`{}`, `[]`, `{"a":[1,2,{"b":null}],"c":"d"}`, `[[[[]]]]`, `{"a":}`, `{"a" 1}`, `{,}`, `[1,]`, `[,1]`,
	`{"a":1,}`, `{"a":1]`, `[1}`, `-`, `-0`, `01`, `1.`, `1.5e`, `1.5e+`, `1.5E-3`, `-0.0e0`, `.5`, `+1`,
	`"\u00e9"`, `"\u00g9"`, `"\x"`, "\"a\tb\"", `"\/\b\f\n\r\t\"\\"`, `tru`, `true`, `truex`, `nul`, `falsey`,
	` 1 `, "\n{\"a\":\r\n1}\t", `{"a":1}x`, `{"a":1} {}`, `"unterminated`, `"\u12`, `"\`, `{"a":"\u1234"}`,
}

// FuzzValidValue: validValue accepts exactly what json.Valid accepts, up to
// its nesting bound.
func FuzzValidValue(f *testing.F) {
	for _, s := range append(validSeeds, fastSeeds...) {
		f.Add([]byte(s))
	}
	f.Add([]byte(strings.Repeat("[", maxFastDepth) + strings.Repeat("]", maxFastDepth)))
	f.Fuzz(func(t *testing.T, body []byte) { checkValid(t, body) })
}

func checkValid(t *testing.T, body []byte) {
	t.Helper()
	end := validValue(body, 0, 0)
	got := end >= 0 && skipSpace(body, end) == len(body)
	if want := json.Valid(body); got != want {
		if !got && want && nesting(body) > maxFastDepth {
			return // declined: too deep for the fast path
		}
		t.Fatalf("%q: validValue says valid=%t, json.Valid %t", body, got, want)
	}
}

// nesting is an upper bound of body's nesting depth.
func nesting(body []byte) int {
	return bytes.Count(body, []byte("[")) + bytes.Count(body, []byte("{"))
}

func TestValidValueMatchesJSONValid(t *testing.T) {
	t.Parallel()
	for _, s := range append(validSeeds, fastSeeds...) {
		checkValid(t, []byte(s))
	}
	deep := strings.Repeat("[", maxFastDepth) + strings.Repeat("]", maxFastDepth)
	if end := validValue([]byte(deep), 0, 0); end != len(deep) {
		t.Errorf("nesting %d: validValue = %d, want %d", maxFastDepth, end, len(deep))
	}
	if end := validValue([]byte("["+deep+"]"), 0, 0); end != -1 {
		t.Errorf("nesting %d: validValue = %d, want -1 (declined)", maxFastDepth+1, end)
	}
}
