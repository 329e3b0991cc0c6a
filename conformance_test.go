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
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lrohttp/lro"
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
type cfHit struct {
	method string
	url    *url.URL
	status int
}

// String is "METHOD path -> status" (no query: see the checks on queries).
func (h cfHit) String() string { return fmt.Sprintf("%s %s -> %d", h.method, h.url.Path, h.status) }

// cfRecorder is the base transport: it records every request lro sends.
type cfRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	hits []cfHit
}

func (r *cfRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	h := cfHit{method: req.Method, url: req.URL}
	if err == nil {
		h.status = resp.StatusCode
	}
	r.mu.Lock()
	r.hits = append(r.hits, h)
	r.mu.Unlock()
	return resp, err
}

func (r *cfRecorder) take() []cfHit {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.hits
	r.hits = nil
	return h
}

// cfEnv is what each scenario needs: the server URLs and one client.
type cfEnv struct {
	spector, spector45 string
	rec                *cfRecorder
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
	e.rec.take()
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, rawURL, err)
	}
	return resp.StatusCode, string(data), e.rec.take()
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
		got[i] = h.String()
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests on the wire:\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for _, h := range hits {
		if v := h.url.Query()["api-version"]; len(v) > 1 {
			t.Errorf("%s %s: api-version %d times", h.method, h.url, len(v))
		}
	}
}

// cfCheckAPIVersion checks that hits[from:] carry api-version=v exactly once.
func cfCheckAPIVersion(t *testing.T, hits []cfHit, from int, v string) {
	t.Helper()
	for _, h := range hits[min(from, len(hits)):] {
		if got := h.url.Query()["api-version"]; len(got) != 1 || got[0] != v {
			t.Errorf("%s %s: api-version %q, want [%s]", h.method, h.url, got, v)
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

// cfNextLink reads a page's nextLink.
func cfNextLink(t *testing.T, body string) string {
	t.Helper()
	var page struct {
		NextLink string `json:"nextLink"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || page.NextLink == "" {
		t.Fatalf("no nextLink in page 1 (%v): %s", err, body)
	}
	return page.NextLink
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

	rec := &cfRecorder{base: base}
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

func cfCoreCreate(t *testing.T, e *cfEnv) {
	p := "/azure/core/lro/standard/users/madge"
	st, body, hits := e.do(t, http.MethodPut, e.spector+p+"?api-version="+cfCoreVer, `{"role":"contributor"}`,
		lro.WithFinalStateVia(lro.FinalStateViaOriginalURI))
	cfCheck(t, st, body, hits, 200, `{"name":"madge","role":"contributor"}`,
		"PUT "+p+" -> 201",
		"GET "+p+"/operations/operation1 -> 200",
		"GET "+p+"/operations/operation1 -> 200",
		"GET "+p+" -> 200")
	cfCheckAPIVersion(t, hits, 0, cfCoreVer)
}

func cfCoreDelete(t *testing.T, e *cfEnv) {
	p := "/azure/core/lro/standard/users/madge"
	st, body, hits := e.do(t, http.MethodDelete, e.spector+p+"?api-version="+cfCoreVer, "",
		lro.WithFinalStateVia(lro.FinalStateViaOperationLocation))
	cfCheck(t, st, body, hits, 200, `{"id":"operation2","status":"Succeeded"}`,
		"DELETE "+p+" -> 202",
		"GET "+p+"/operations/operation2 -> 200",
		"GET "+p+"/operations/operation2 -> 200")
	cfCheckAPIVersion(t, hits, 0, cfCoreVer)
}

func cfCoreExport(t *testing.T, e *cfEnv) {
	p := "/azure/core/lro/standard/users/madge"
	st, body, hits := e.do(t, http.MethodPost, e.spector+p+":export?api-version="+cfCoreVer+"&format=json", "",
		lro.WithFinalStateVia(lro.FinalStateViaOperationLocation))
	cfCheck(t, st, body, hits, 200, `{"id":"operation3","status":"Succeeded","result":{"name":"madge","resourceUri":"/users/madge"}}`,
		"POST "+p+":export -> 202",
		"GET "+p+"/operations/operation3 -> 200",
		"GET "+p+"/operations/operation3 -> 200")
	cfCheckAPIVersion(t, hits, 0, cfCoreVer)
}

func cfCoreRPC(t *testing.T, e *cfEnv) {
	p := "/azure/core/lro/rpc/generations"
	st, body, hits := e.do(t, http.MethodPost, e.spector+p+":submit?api-version="+cfCoreVer, `{"prompt":"text"}`,
		lro.WithFinalStateVia(lro.FinalStateViaOperationLocation))
	cfCheck(t, st, body, hits, 200, `{"id":"operation1","status":"Succeeded","result":{"data":"text data"}}`,
		"POST "+p+":submit -> 202",
		"GET "+p+"/operations/operation1 -> 200",
		"GET "+p+"/operations/operation1 -> 200")
	cfCheckAPIVersion(t, hits, 0, cfCoreVer)
}

const cfSystemData = `"systemData":{"createdBy":"AzureSDK","createdByType":"User","createdAt":"2024-10-04T00:56:07.442Z","lastModifiedBy":"AzureSDK","lastModifiedAt":"2024-10-04T00:56:07.442Z","lastModifiedByType":"User"}`

func cfARMCreate(t *testing.T, e *cfEnv) {
	p := "/subscriptions/" + cfSub + "/resourceGroups/test-rg/" + cfOT + "/orders/order1"
	ops := "/subscriptions/" + cfSub + "/" + cfOT + "/locations/eastus/operations"
	// The spec declares final-state-via azure-async-operation; for a PUT the
	// result is still the GET of the resource (the ARM rule).
	st, body, hits := e.do(t, http.MethodPut, e.spector+p+"?api-version="+cfARMVer,
		`{"location":"eastus","properties":{"productId":"product1","amount":1}}`,
		lro.WithFinalStateVia(lro.FinalStateViaAzureAsyncOperation))
	cfCheck(t, st, body, hits, 200,
		`{"id":"`+p+`","name":"order1","type":"Azure.ResourceManager.Resources/orders","location":"eastus","properties":{"provisioningState":"Succeeded","productId":"product1","amount":1},`+cfSystemData+`}`,
		"PUT "+p+" -> 201",
		"GET "+ops+"/lro_create_aao -> 200",
		"GET "+ops+"/lro_create_aao -> 200",
		"GET "+p+" -> 200")
}

func cfARMExport(t *testing.T, e *cfEnv) {
	p := "/subscriptions/" + cfSub + "/resourceGroups/test-rg/" + cfOT + "/orders/order1/export"
	ops := "/subscriptions/" + cfSub + "/" + cfOT + "/locations/eastus/operations"
	st, body, hits := e.do(t, http.MethodPost, e.spector+p+"?api-version="+cfARMVer, `{"format":"csv"}`,
		lro.WithFinalStateVia(lro.FinalStateViaLocation))
	cfCheck(t, st, body, hits, 200, `{"content":"order1,product1,1"}`,
		"POST "+p+" -> 202",
		"GET "+ops+"/lro_post_aao -> 200",
		"GET "+ops+"/lro_post_aao -> 200",
		"GET "+ops+"/lro_post_location -> 200")
}

func cfARMDelete(t *testing.T, e *cfEnv) {
	p := "/subscriptions/" + cfSub + "/resourceGroups/test-rg/" + cfOT + "/orders/order1"
	res := "/subscriptions/" + cfSub + "/" + cfOT + "/locations/eastus/operationResults/lro_delete_location"
	st, body, hits := e.do(t, http.MethodDelete, e.spector+p+"?api-version="+cfARMVer, "",
		lro.WithFinalStateVia(lro.FinalStateViaLocation))
	cfCheck(t, st, body, hits, 204, "",
		"DELETE "+p+" -> 202",
		"GET "+res+" -> 202",
		"GET "+res+" -> 204")
}

func cfARMExportArray(t *testing.T, e *cfEnv) {
	p := "/subscriptions/" + cfSub + "/" + cfOT + "/exportArray"
	ops := "/subscriptions/" + cfSub + "/" + cfOT + "/locations/eastus/operations"
	start := time.Now()
	st, body, hits := e.do(t, http.MethodPost, e.spector+p+"?api-version="+cfARMVer, `{"format":"csv"}`,
		lro.WithFinalStateVia(lro.FinalStateViaLocation))
	cfCheck(t, st, body, hits, 200, `[{"content":"order1,product1,1"},{"content":"order2,product2,2"}]`,
		"POST "+p+" -> 202",
		"GET "+ops+"/lro_exportarray_aao -> 200",
		"GET "+ops+"/lro_exportarray_aao -> 200",
		"GET "+ops+"/lro_exportarray_location -> 200")
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("took %v: Retry-After: 1 (twice) not honoured", d)
	}
}

func cfPage(host, id, next string) string {
	s := `{"value":[{"id":"/subscriptions/` + cfSub + `/resourceGroups/test-rg/` + cfOT + `/products/` + id +
		`","name":"` + id + `","type":"Azure.ResourceManager.OperationTemplates/products","location":"eastus","properties":{"provisioningState":"Succeeded","productId":"` + id + `"}}]`
	if next != "" {
		s += `,"nextLink":"` + host + next + `"`
	}
	return s + "}"
}

// cfPaging runs postPagingLro or postPagingLroWithBody: the LRO through the
// transport, then the caller's paging (GET nextLink, an ordinary request).
func cfPaging(t *testing.T, e *cfEnv, base, action, reqBody, opName string) {
	p := "/subscriptions/" + cfSub + "/resourceGroups/test-rg/" + cfOT + "/products/default/" + action
	loc := "/subscriptions/" + cfSub + "/" + cfOT + "/locations/eastus/operations/" + opName
	start := time.Now()
	st, body, hits := e.do(t, http.MethodPost, base+p+"?api-version="+cfARMVer, reqBody,
		lro.WithFinalStateVia(lro.FinalStateViaLocation))
	cfCheck(t, st, body, hits, 200, cfPage(base, "product1", loc+"/nextPage?api-version="+cfARMVer),
		"POST "+p+" -> 202",
		"GET "+loc+" -> 202",
		"GET "+loc+" -> 200")
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("took %v: Retry-After: 1 (twice) not honoured", d)
	}
	if t.Failed() {
		return
	}
	next := cfNextLink(t, body)
	st, body, hits = e.do(t, http.MethodGet, next, "")
	cfCheck(t, st, body, hits, 200, cfPage(base, "product2", ""),
		"GET "+loc+"/nextPage -> 200")
}

func cfPostPagingLro(t *testing.T, e *cfEnv) {
	cfPaging(t, e, e.spector, "postPagingLro", "", "lro_paging_post_location")
}

func cfPostPagingLroWithBody(t *testing.T, e *cfEnv) {
	// The 202 carries {"value":[]}: an empty page that is not the result.
	cfPaging(t, e, e.spector45, "postPagingLroWithBody", `{"vnetId":"vnet1"}`, "lro_paging_post_body_location")
}

func cfTwo6k(t *testing.T, e *cfEnv) {
	p := "/subscriptions/" + cfSub + "/resourceGroups/test-rg/providers/Azure.ResourceManager.LargeHeader/largeHeaders/header1/two6k"
	ops := "/subscriptions/" + cfSub + "/providers/Azure.ResourceManager.LargeHeaders/locations/eastus/operations"
	st, body, hits := e.do(t, http.MethodPost, e.spector+p+"?api-version="+cfARMVer, "",
		lro.WithFinalStateVia(lro.FinalStateViaLocation))
	cfCheck(t, st, body, hits, 200, `{"succeeded":true}`,
		"POST "+p+" -> 202",
		"GET "+ops+"/post_aao -> 200",
		"GET "+ops+"/post_aao -> 200",
		"GET "+ops+"/post_location -> 200")
	want := strings.Repeat("a", 6144)
	for _, h := range hits[min(1, len(hits)):] {
		if got := h.url.Query().Get("userContext"); got != want {
			t.Errorf("%s %s: userContext is %d bytes, want 6144 × 'a'", h.method, h.url.Path, len(got))
		}
	}
}

func cfGetLro(t *testing.T, e *cfEnv) {
	p := "/subscriptions/" + cfSub + "/resourceGroups/test-rg/" + cfOT + "/costReports/report1"
	cov, _ := cfCoverage(t, e.plain, e.spector45)
	fresh := cov["Azure_ResourceManager_OperationTemplates_Lro_getLro"] == "not-implemented"
	st, body, hits := e.do(t, http.MethodGet, e.spector45+p+"?api-version="+cfARMVer, "",
		lro.WithFinalStateVia(lro.FinalStateViaLocation))
	want := `{"id":"` + p + `","name":"report1","type":"Azure.ResourceManager.OperationTemplates/costReports","properties":{"downloadUrl":"https://storage.blob.core.windows.net/reports/report1.csv","provisioningState":"Succeeded"},` + cfSystemData + `}`
	if fresh {
		cfCheck(t, st, body, hits, 200, want,
			"GET "+p+" -> 202",
			"GET "+p+" -> 202",
			"GET "+p+" -> 200")
		return
	}
	// This spector45 has served getLro before, so it may answer 200 at once.
	t.Logf("spector45 already served getLro since it started (restart it to see the LRO): %d request(s)", len(hits))
	wantSeq := make([]string, 0, len(hits))
	for range max(len(hits), 1) - 1 {
		wantSeq = append(wantSeq, "GET "+p+" -> 202")
	}
	cfCheck(t, st, body, hits, 200, want, append(wantSeq, "GET "+p+" -> 200")...)
	if len(hits) > 3 {
		t.Errorf("%d requests, want at most 3", len(hits))
	}
}
