package strategies

import (
	"math"
	"reflect"
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
