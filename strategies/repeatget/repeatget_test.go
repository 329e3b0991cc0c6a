package repeatget_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/lrohttp/lro/strategies"
	"github.com/lrohttp/lro/strategies/repeatget"
)

const stats = "api.github.com/repos/*/*/stats/*"

func TestApplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, url string
		code              int
		location          bool
		want              bool
	}{
		{"stats GET 202", "GET", "https://api.github.com/repos/o/r/stats/contributors", 202, false, true},
		{"stats host case", "GET", "https://API.GitHub.com/repos/o/r/stats/commit_activity", 202, false, true},
		{"stats POST", "POST", "https://api.github.com/repos/o/r/stats/contributors", 202, false, false},
		{"stats 200", "GET", "https://api.github.com/repos/o/r/stats/contributors", 200, false, false},
		{"other path", "GET", "https://api.github.com/repos/o/r/pulls", 202, false, false},
		{"deeper path", "GET", "https://api.github.com/repos/o/r/stats/x/y", 202, false, false},
		{"other host", "GET", "https://api.github.example.com/repos/o/r/stats/contributors", 202, false, false},
		{"with Location", "GET", "https://api.github.com/repos/o/r/stats/contributors", 202, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u, _ := url.Parse(tc.url)
			h := http.Header{}
			if tc.location {
				h.Set("Location", "/x")
			}
			if got := repeatget.New(stats).Applies(tc.method, u, tc.code, h); got != tc.want {
				t.Errorf("Applies = %v, want %v", got, tc.want)
			}
		})
	}
	u, _ := url.Parse("https://api.github.com/repos/o/r/stats/contributors")
	if repeatget.New().Applies("GET", u, 202, http.Header{}) {
		t.Error("New() with no patterns applies")
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]strategies.Status{202: strategies.InProgress, 200: strategies.Succeeded, 204: strategies.Succeeded} {
		op := &strategies.Operation{Status: strategies.InProgress}
		if err := repeatget.New(stats).Update(op, &strategies.Response{StatusCode: code}); err != nil || op.Status != want {
			t.Errorf("Update(%d) = %v, %s; want %s", code, err, op.Status, want)
		}
	}
}

// FuzzApplies: no URL or pattern makes Applies panic, and it never applies
// to a method other than GET.
func FuzzApplies(f *testing.F) {
	f.Add(stats, "https://api.github.com/repos/o/r/stats/contributors", "GET")
	f.Add("[", "https://h/[", "GET")
	f.Add("*", "http://x", "POST")
	f.Fuzz(func(t *testing.T, pattern, raw, method string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		got := repeatget.New(pattern).Applies(method, u, 202, http.Header{})
		if got && method != http.MethodGet {
			t.Fatalf("applies to %s", method)
		}
	})
}
