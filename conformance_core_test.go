package lro_test

// The conformance scenarios of Azure Core (Azure_Core_Lro_*); the harness
// that runs them is in conformance_test.go.

import (
	"net/http"
	"testing"

	"github.com/lrohttp/lro"
)

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
