package lro_test

// The conformance scenarios of Azure Resource Manager
// (Azure_ResourceManager_*); the harness that runs them is in
// conformance_test.go.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lrohttp/lro"
)

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
		if got := h.URL.Query().Get("userContext"); got != want {
			t.Errorf("%s %s: userContext is %d bytes, want 6144 × 'a'", h.Method, h.URL.Path, len(got))
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
