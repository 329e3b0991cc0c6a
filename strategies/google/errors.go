package google

import (
	"encoding/json"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// ReadError reads an AIP-193 error (strategies.ErrorReader).
func (*operations) ReadError(_ *strategies.Operation, resp *strategies.Response) strategies.ServiceError {
	return readError(resp.Body)
}

// ReadError reads an AIP-193 error (strategies.ErrorReader).
func (compute) ReadError(_ *strategies.Operation, resp *strategies.Response) strategies.ServiceError {
	return readError(resp.Body)
}

// readError reads the error body Google's HTTP/JSON APIs send with an error
// status (AIP-193): {"error":{"code":404,"message":"…","status":"NOT_FOUND",
// "details":[…]}}. The "status" word is Code, the integer "code" (the HTTP
// status) NumericCode, "message" Message. Without a status, Code is a
// string "code" (a proxy's OData-style error), else the first
// "errors[].reason" (the older format Compute Engine still sends, such as
// notFound). A body that is not such an object, or not JSON, gives the zero
// ServiceError.
func readError(body []byte) strategies.ServiceError {
	var se strategies.ServiceError
	if !detect.LooksLikeObject(body) {
		return se
	}
	var top struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &top) != nil || len(top.Error) == 0 || top.Error[0] != '{' {
		return se
	}
	var e struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
		Status  json.RawMessage `json:"status"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(top.Error, &e) != nil {
		return se
	}
	se.Message = jsonString(e.Message)
	if json.Unmarshal(e.Code, &se.NumericCode) != nil {
		se.NumericCode = 0
	}
	if se.Code = jsonString(e.Status); se.Code == "" {
		se.Code = jsonString(e.Code)
	}
	if se.Code == "" && len(e.Errors) > 0 && e.Errors[0] == '[' {
		var errs []struct {
			Reason json.RawMessage `json:"reason"`
		}
		if json.Unmarshal(e.Errors, &errs) == nil && len(errs) > 0 {
			se.Code = jsonString(errs[0].Reason)
		}
	}
	return se
}

// jsonString is raw decoded as a JSON string, or "" when it is not one.
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
