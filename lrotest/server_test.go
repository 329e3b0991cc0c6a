package lrotest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lrohttp/lro/lrotest"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	defer s.Close()
	res := s.Start(lrotest.Scenario{Polls: 1, Faults: []lrotest.Fault{{Step: lrotest.Final, Status: 503}}})
	c := noRedirect(s)
	before := time.Now()
	do(t, c, http.MethodPut, res+"?api-version=2024-01-01")
	do(t, c, http.MethodGet, s.URL+"/operations/op1?api-version=2024-01-01")
	if got := s.DoneAt(res); !got.IsZero() {
		t.Errorf("DoneAt while running = %v, want zero", got)
	}
	do(t, c, http.MethodGet, s.URL+"/operations/op1")
	done := s.DoneAt(res)
	do(t, c, http.MethodGet, res)
	after := time.Now()

	host := strings.TrimPrefix(s.URL, "http://")
	want := []lrotest.Request{
		{Step: lrotest.Initial, Method: "PUT", URL: "/resources/op1?api-version=2024-01-01", Host: host, Status: 201},
		{Step: lrotest.Poll, Method: "GET", URL: "/operations/op1?api-version=2024-01-01", Host: host, Status: 200},
		{Step: lrotest.Poll, Method: "GET", URL: "/operations/op1", Host: host, Status: 200},
		{Step: lrotest.Final, Method: "GET", URL: "/resources/op1", Host: host, Status: 503},
	}
	got := s.Requests(res)
	if len(got) != len(want) {
		t.Fatalf("Requests = %d requests, want %d", len(got), len(want))
	}
	last := before
	for i, r := range got {
		w := want[i]
		if r.Step != w.Step || r.Method != w.Method || r.URL != w.URL || r.Host != w.Host || r.Status != w.Status {
			t.Errorf("request %d = %v %s %s host %s status %d, want %v %s %s host %s status %d",
				i, r.Step, r.Method, r.URL, r.Host, r.Status, w.Step, w.Method, w.URL, w.Host, w.Status)
		}
		if a := r.Header.Get("Authorization"); a != "Bearer secret" {
			t.Errorf("request %d: Authorization = %q, want the client's", i, a)
		}
		if r.Time.Before(last) || r.Time.After(after) {
			t.Errorf("request %d: Time %v out of order", i, r.Time)
		}
		last = r.Time
	}
	if !done.Equal(got[2].Time) {
		t.Errorf("DoneAt = %v, want the terminal poll's arrival %v", done, got[2].Time)
	}
	if n := s.Count(res); n != 4 {
		t.Errorf("Count = %d, want 4", n)
	}
	got[0].Header.Set("Authorization", "changed")
	if a := s.Requests(res)[0].Header.Get("Authorization"); a != "Bearer secret" {
		t.Errorf("Requests shares headers with its callers: Authorization = %q", a)
	}
}

func TestUnknownURLs(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	defer s.Close()
	for _, u := range []string{s.URL + "/resources/op1", s.URL + "/operations/op1", "://bad", ""} {
		if got := s.Requests(u); got != nil {
			t.Errorf("Requests(%q) = %v, want nil", u, got)
		}
		if got := s.Count(u); got != 0 {
			t.Errorf("Count(%q) = %d, want 0", u, got)
		}
		if got := s.DoneAt(u); !got.IsZero() {
			t.Errorf("DoneAt(%q) = %v, want zero", u, got)
		}
	}
	play(t, noRedirect(s), s.URL, s.URL+"/resources/op9", []step{
		get("", 404, notFound),
		get("/results/op9", 404, notFound),
		get("/nowhere", 404, "404 page not found\n"),
	})
}

func TestNoLog(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	defer s.Close()
	res := s.Start(lrotest.Scenario{NoLog: true})
	do(t, s.Client(), http.MethodPost, res)
	do(t, s.Client(), http.MethodGet, s.URL+"/operations/op1")
	if got := s.Requests(res); len(got) != 0 {
		t.Errorf("Requests = %v, want none", got)
	}
	if got := s.Count(res); got != 2 {
		t.Errorf("Count = %d, want 2", got)
	}
	if s.DoneAt(res).IsZero() {
		t.Error("DoneAt is zero after the terminal poll")
	}
}

func TestMonitorServer(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprint("tls=", tls), func(t *testing.T) {
			t.Parallel()
			newServer := lrotest.NewServer
			if tls {
				newServer = lrotest.NewTLSServer
			}
			a, b := newServer(), newServer()
			defer a.Close()
			defer b.Close()
			b.Start(lrotest.Scenario{}) // b's own op1: ids are per server
			res := a.Start(lrotest.Scenario{MonitorServer: b, WithLocation: true, Polls: 1})
			c := noRedirect(a)
			if tls {
				c.Transport.(*http.Transport).TLSClientConfig.RootCAs.AddCert(b.Certificate())
			} else if a.Certificate() != nil {
				t.Error("Certificate of a plain server is not nil")
			}
			play(t, c, b.URL, res, []step{
				{http.MethodPost, "", 202, map[string]string{"Operation-Location": "{base}/operations/op2", "Location": "{base}/results/op2"}, ""},
				get("@Operation-Location", 200, `{"id":"op2","status":"Running"}`),
				get("/operations/op2", 200, `{"id":"op2","status":"Succeeded"}`),
				get("/results/op2", 200, `{"name":"op1","result":"done"}`),
			})
			var hosts []string
			for _, r := range a.Requests(res) {
				hosts = append(hosts, r.Host)
			}
			ha, hb := strings.Split(a.URL, "//")[1], strings.Split(b.URL, "//")[1]
			if got, want := strings.Join(hosts, " "), strings.Join([]string{ha, hb, hb, hb}, " "); got != want {
				t.Errorf("hosts = %s, want %s", got, want)
			}
		})
	}
}

func TestMonitorHost(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprint("tls=", tls), func(t *testing.T) {
			t.Parallel()
			newServer := lrotest.NewServer
			if tls {
				newServer = lrotest.NewTLSServer
			}
			s := newServer()
			defer s.Close()
			res := s.Start(lrotest.Scenario{Protocol: lrotest.Location, MonitorHost: "localhost", MonitorQuery: "token=1", Polls: 1})
			u, _ := url.Parse(s.URL)
			local := u.Scheme + "://localhost:" + u.Port()
			play(t, noRedirect(s), local, res, []step{
				{http.MethodPut, "", 202, map[string]string{"Location": "{base}/operations/op1?token=1"}, ""},
				{http.MethodGet, "@Location", 202, map[string]string{"Location": "{base}/operations/op1?token=1"}, ""},
				get("@Location", 200, doc("Succeeded")),
			})
			log := s.Requests(res)
			if got, want := log[1].Host, "localhost:"+u.Port(); got != want {
				t.Errorf("poll Host = %q, want %q", got, want)
			}
			if got, want := log[1].URL, "/operations/op1?token=1"; got != want {
				t.Errorf("poll URL = %q, want %q", got, want)
			}
		})
	}
}

func TestTransport(t *testing.T) {
	t.Parallel()
	a, b := lrotest.NewServer(), lrotest.NewServer()
	defer a.Close()
	defer b.Close()
	res := a.Start(lrotest.Scenario{Protocol: lrotest.AzureAsyncOperation, MonitorServer: b, MonitorHost: "example.com", Polls: 1})
	c := &http.Client{Transport: a.Transport()}
	u, _ := url.Parse(b.URL)
	play(t, c, "http://example.com:"+u.Port(), res, []step{
		{http.MethodPut, "", 201, map[string]string{"Azure-AsyncOperation": "{base}/operations/op1"}, doc("Creating")},
		get("@Azure-AsyncOperation", 200, `{"id":"op1","status":"InProgress"}`),
		get("/operations/op1", 200, opOK),
		get("/results/op1", 200, doc("Succeeded")),
	})
	if _, err := c.Get("http://127.0.0.1:1/resources/op1"); err == nil {
		t.Error("Transport served a port no server listens on")
	}
	if n := a.Count(res); n != 4 {
		t.Errorf("Count = %d, want 4", n)
	}
}

// TestConcurrent runs many operations at once; run it with -race.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	defer s.Close()
	clients := []*http.Client{s.Client(), {Transport: s.Transport()}}
	var wg sync.WaitGroup
	for i := range 200 {
		res := s.Start(lrotest.Scenario{Protocol: lrotest.Location, Polls: i % 4, Result: fmt.Sprintf(`{"n":%d}`, i)})
		wg.Go(func() {
			c := clients[i%2]
			_, h, _ := do(t, c, http.MethodPost, res)
			status, _, body := do(t, c, http.MethodGet, h.Get("Location"))
			for status == http.StatusAccepted {
				status, _, body = do(t, c, http.MethodGet, h.Get("Location"))
			}
			if want := fmt.Sprintf(`{"n":%d}`, i); status != 200 || body != want {
				t.Errorf("op %d: result %d %s, want 200 %s", i, status, body, want)
			}
			if got, want := s.Count(res), i%4+2; got != want {
				t.Errorf("op %d: Count = %d, want %d", i, got, want)
			}
		})
	}
	wg.Wait()
}

func TestHandler(t *testing.T) {
	t.Parallel()
	s := lrotest.NewServer()
	defer s.Close()
	res := s.Start(lrotest.Scenario{Protocol: lrotest.ProvisioningState, Polls: 1})
	h := s.Handler()
	for i, want := range []struct {
		method string
		status int
		body   string
	}{
		{http.MethodPut, 201, doc("Creating")},
		{http.MethodGet, 200, doc("Creating")},
		{http.MethodGet, 200, doc("Succeeded")},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(want.method, res, nil))
		if rec.Code != want.status || rec.Body.String() != want.body {
			t.Errorf("request %d: %s = %d %s, want %d %s", i, want.method, rec.Code, rec.Body, want.status, want.body)
		}
	}
}

// BenchmarkTransport measures one Location operation with one in-progress
// poll, served in memory.
func BenchmarkTransport(b *testing.B) {
	s := lrotest.NewServer()
	defer s.Close()
	c := &http.Client{Transport: s.Transport()}
	b.ReportAllocs()
	for b.Loop() {
		res := s.Start(lrotest.Scenario{Protocol: lrotest.Location, Polls: 1, NoLog: true})
		resp, err := c.Post(res, "application/json", nil)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		for resp.StatusCode == http.StatusAccepted {
			if resp, err = c.Get(resp.Header.Get("Location")); err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}
