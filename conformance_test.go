package lro_test

// The conformance suite: the 12 LRO scenarios of Azure's Spector mock
// servers (.ci/conformance/SCENARIOS.md describes each one), driven through
// a plain http.Client whose transport is lro.New. The LRO part is entirely
// the transport's; the test only sends the initial request (with its body),
// follows nextLink after a paging LRO, and checks the final response, the
// requests that went on the wire, and Spector's /.coverage verdicts.
//
// Run it with:
//
//	bash .ci/conformance/serve.sh start
//	go test -race -run TestConformance -v .
//	bash .ci/conformance/serve.sh stop
//
// Without servers it skips with one line; with CI=true that is a failure.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/lrotest"
)

const (
	cfSub     = "00000000-0000-0000-0000-000000000000"
	cfOT      = "providers/Azure.ResourceManager.OperationTemplates"
	cfCoreVer = "2022-12-01-preview"
	cfARMVer  = "2023-12-01-preview"
)

// The coverage names of the 12 scenarios, and the server that has each.
var cfScenarios = []struct{ name, server string }{
	{"Azure_Core_Lro_Standard_createOrReplace", "spector"},
	{"Azure_Core_Lro_Standard_delete", "spector"},
	{"Azure_Core_Lro_Standard_export", "spector"},
	{"Azure_Core_Lro_Rpc_longRunningRpc", "spector"},
	{"Azure_ResourceManager_OperationTemplates_Lro_createOrReplace", "spector"},
	{"Azure_ResourceManager_OperationTemplates_Lro_export", "spector"},
	{"Azure_ResourceManager_OperationTemplates_Lro_delete", "spector"},
	{"Azure_ResourceManager_OperationTemplates_Lro_exportArray", "spector"},
	{"Azure_ResourceManager_OperationTemplates_LroPaging_postPagingLro", "spector"},
	{"Azure_ResourceManager_LargeHeader_LargeHeaders_two6k", "spector"},
	{"Azure_ResourceManager_OperationTemplates_LroPaging_postPagingLroWithBody", "spector45"},
	{"Azure_ResourceManager_OperationTemplates_Lro_getLro", "spector45"},
}

const cfHowTo = "run `bash .ci/conformance/serve.sh start` (Node >= 20) or set LRO_SPECTOR_URL and LRO_SPECTOR45_URL; CI=true .ci/run does it all"

// cfServers finds the two servers: LRO_SPECTOR_URL and LRO_SPECTOR45_URL,
// else the conformance.env that serve.sh start writes. fromEnv says whether
// both came from the environment. The file is read even when the variables
// are set, so that go test's result cache notices every server start.
func cfServers() (spector, spector45 string, fromEnv bool, where string) {
	dir := os.Getenv("LRO_CONFORMANCE_WORK_DIR")
	if dir == "" {
		dir = filepath.Join(".ci", "work")
	}
	file := filepath.Join(dir, "conformance.env")
	vals := map[string]string{}
	if data, err := os.ReadFile(file); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok {
				vals[k] = strings.Trim(v, `"'`)
			}
		}
	}
	spector, spector45 = os.Getenv("LRO_SPECTOR_URL"), os.Getenv("LRO_SPECTOR45_URL")
	if spector != "" && spector45 != "" {
		return strings.TrimSuffix(spector, "/"), strings.TrimSuffix(spector45, "/"), true, "LRO_SPECTOR_URL/LRO_SPECTOR45_URL"
	}
	if spector == "" {
		spector = vals["LRO_SPECTOR_URL"]
	}
	if spector45 == "" {
		spector45 = vals["LRO_SPECTOR45_URL"]
	}
	return strings.TrimSuffix(spector, "/"), strings.TrimSuffix(spector45, "/"), false, file
}

// cfHit is one request the transport sent, and the status it got.
type cfHit = lrotest.Sent

// cfLine is "METHOD path -> status" (no query: see the checks on queries).
func cfLine(h cfHit) string { return fmt.Sprintf("%s %s -> %d", h.Method, h.URL.Path, h.Status) }

// cfEnv is what each scenario needs: the server URLs and one client.
type cfEnv struct {
	spector, spector45 string
	rec                *lrotest.Recorder
	client             *http.Client // lro over rec
	plain              *http.Client // no lro, for /.coverage
}

// do sends one request through the client and returns the final status
// and body, and the requests that went on the wire for it. opts are
// per-request options, as a generated client would set them from the spec.
func (e *cfEnv) do(t *testing.T, method, rawURL, body string, opts ...lro.Option) (int, string, []cfHit) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if len(opts) > 0 {
		ctx = lro.WithOptions(ctx, opts...)
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	e.rec.Take()
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, rawURL, err)
	}
	return resp.StatusCode, string(data), e.rec.Take()
}

// cfCheck compares the final status, body and the request sequence.
func cfCheck(t *testing.T, gotStatus int, gotBody string, hits []cfHit, wantStatus int, wantBody string, wantSeq ...string) {
	t.Helper()
	if gotStatus != wantStatus {
		t.Errorf("final status: got %d, want %d", gotStatus, wantStatus)
	}
	if gotBody != wantBody {
		t.Errorf("final body:\n got %s\nwant %s", gotBody, wantBody)
	}
	cfCheckSeq(t, hits, wantSeq...)
}

func cfCheckSeq(t *testing.T, hits []cfHit, want ...string) {
	t.Helper()
	got := make([]string, len(hits))
	for i, h := range hits {
		got[i] = cfLine(h)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests on the wire:\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for _, h := range hits {
		if v := h.URL.Query()["api-version"]; len(v) > 1 {
			t.Errorf("%s %s: api-version %d times", h.Method, h.URL, len(v))
		}
	}
}

// cfCheckAPIVersion checks that hits[from:] carry api-version=v exactly once.
func cfCheckAPIVersion(t *testing.T, hits []cfHit, from int, v string) {
	t.Helper()
	for _, h := range hits[min(from, len(hits)):] {
		if got := h.URL.Query()["api-version"]; len(got) != 1 || got[0] != v {
			t.Errorf("%s %s: api-version %q, want [%s]", h.Method, h.URL, got, v)
		}
	}
}

// cfCoverage reads base's /.coverage: scenario name -> verdict, and the
// specs package's version.
func cfCoverage(t *testing.T, c *http.Client, base string) (map[string]string, string) {
	t.Helper()
	resp, err := c.Get(base + "/.coverage")
	if err != nil {
		t.Fatalf("GET %s/.coverage: %v", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/.coverage: status %d", base, resp.StatusCode)
	}
	var cov []struct {
		Meta struct {
			Version string `json:"version"`
		} `json:"scenariosMetadata"`
		Results map[string]string `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&cov); err != nil {
		t.Fatalf("GET %s/.coverage: %v", base, err)
	}
	res := map[string]string{}
	var versions []string
	for _, c := range cov {
		for k, v := range c.Results {
			res[k] = v
		}
		versions = append(versions, c.Meta.Version)
	}
	return res, strings.Join(versions, ",")
}

// cfCheckCoverage checks that base's /.coverage marks name as pass.
func cfCheckCoverage(t *testing.T, c *http.Client, base, name string) {
	t.Helper()
	cov, _ := cfCoverage(t, c, base)
	if got := cov[name]; got != "pass" {
		t.Errorf("/.coverage %s: got %q, want \"pass\"", name, got)
	}
}

func cfReachable(c *http.Client, base string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/.coverage", nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /.coverage: status %d", resp.StatusCode)
	}
	return nil
}

// TestConformance runs the 12 Spector LRO scenarios, one subtest each, in
// order and never in parallel: each server keeps scenario state in globals,
// so a lock also keeps two test processes from using the same servers at once.
//
// getLro runs first because Spector's getLro behaves as an LRO only once per
// server start (its counter is never reset): on a fresh spector45 it must
// take GET 202, GET 202, GET 200; on a server that already ran it, /.coverage
// shows it, and a plain 200 is accepted.
func TestConformance(t *testing.T) {
	ci := os.Getenv("CI") == "true"
	spector, spector45, fromEnv, where := cfServers()
	if spector == "" || spector45 == "" {
		if ci {
			t.Fatalf("conformance: CI=true but no Spector servers (%s): %s", where, cfHowTo)
		}
		t.Skip("conformance: skipped, no Spector servers: " + cfHowTo)
	}
	// One base transport for everything, its idle connections closed at the
	// end (TestMain checks for leaked goroutines).
	base := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(base.CloseIdleConnections)
	plain := &http.Client{Transport: base}
	for _, u := range []string{spector, spector45} {
		if err := cfReachable(plain, u); err != nil {
			if ci || fromEnv {
				t.Fatalf("conformance: server %s (from %s) does not answer: %v", u, where, err)
			}
			t.Skipf("conformance: skipped, %s names %s, which does not answer (%v): %s", where, u, err, cfHowTo)
		}
	}

	cfLock(t, fmt.Sprintf("%x", sha256.Sum256([]byte(spector+" "+spector45)))[:16])

	rec := &lrotest.Recorder{Base: base}
	e := &cfEnv{
		spector:   spector,
		spector45: spector45,
		rec:       rec,
		plain:     plain,
		// The only transport-wide option: a short delay between polls when the
		// server sends no Retry-After (Retry-After: 1 is honoured as sent).
		client: &http.Client{Transport: lro.New(rec, lro.WithPollInterval(10*time.Millisecond))},
	}

	for _, sc := range cfOrder {
		t.Run(sc.name, func(t *testing.T) {
			sc.run(t, e)
			srv := spector
			for _, s := range cfScenarios {
				if s.name == sc.coverage && s.server == "spector45" {
					srv = spector45
				}
			}
			cfCheckCoverage(t, plain, srv, sc.coverage)
		})
	}

	t.Run("coverage", func(t *testing.T) {
		covs := map[string]map[string]string{}
		vers := map[string]string{}
		covs["spector"], vers["spector"] = cfCoverage(t, plain, spector)
		covs["spector45"], vers["spector45"] = cfCoverage(t, plain, spector45)
		for _, s := range cfScenarios {
			got := covs[s.server][s.name]
			t.Logf("| `%s` | %s | %s |", s.name, vers[s.server], got)
			if got != "pass" {
				t.Errorf("%s /.coverage %s: got %q, want \"pass\"", s.server, s.name, got)
			}
		}
	})
}

// cfOrder is the order the scenarios run in: spector45's getLro first (see
// TestConformance).
var cfOrder = []struct {
	name, coverage string
	run            func(*testing.T, *cfEnv)
}{
	{"arm/getLro", "Azure_ResourceManager_OperationTemplates_Lro_getLro", cfGetLro},
	{"arm/postPagingLroWithBody", "Azure_ResourceManager_OperationTemplates_LroPaging_postPagingLroWithBody", cfPostPagingLroWithBody},
	{"core/standard/createOrReplace", "Azure_Core_Lro_Standard_createOrReplace", cfCoreCreate},
	{"core/standard/delete", "Azure_Core_Lro_Standard_delete", cfCoreDelete},
	{"core/standard/export", "Azure_Core_Lro_Standard_export", cfCoreExport},
	{"core/rpc/longRunningRpc", "Azure_Core_Lro_Rpc_longRunningRpc", cfCoreRPC},
	{"arm/createOrReplace", "Azure_ResourceManager_OperationTemplates_Lro_createOrReplace", cfARMCreate},
	{"arm/export", "Azure_ResourceManager_OperationTemplates_Lro_export", cfARMExport},
	{"arm/delete", "Azure_ResourceManager_OperationTemplates_Lro_delete", cfARMDelete},
	{"arm/exportArray", "Azure_ResourceManager_OperationTemplates_Lro_exportArray", cfARMExportArray},
	{"arm/postPagingLro", "Azure_ResourceManager_OperationTemplates_LroPaging_postPagingLro", cfPostPagingLro},
	{"arm/largeHeader/two6k", "Azure_ResourceManager_LargeHeader_LargeHeaders_two6k", cfTwo6k},
}
