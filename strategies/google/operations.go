package google

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// OperationsName is the AIP-151 strategy's name in resume tokens.
const OperationsName = "google-operations"

// Operations returns the AIP-151 strategy. It applies to a 2xx answer, other
// than 204, to a request that is not a GET or HEAD, whose body is a
// google.longrunning.Operation: a JSON object with a non-empty string
// "name", "done" false, absent or true, no keys but name, metadata, done,
// error and response, and at least one sign of an operation beyond the name
// ("done" present, a "metadata" object, or a name with an "operations/"
// segment), since most Google resources have a "name" too. Content-Type is
// not read: some servers send text/plain.
//
// It polls GET {scheme}://{host}{prefix}/{name}, where prefix is the
// request path's leading version segment (/v1, /v1beta1, /v2alpha) and the
// name is appended as it is (names hold /, + and =); a request path without
// one is an error (see OperationsWithPrefix). An operation that is done in
// the first answer sends no poll.
//
// done with "response" is success, and the final Operation (done, response
// inline) is the result: there is no further GET. done with "error"
// ({code, message, details}) is a failure: the *lro.OperationError has
// Code the canonical code name (5 is NOT_FOUND), NumericCode the number and
// Message the message; code 1 (CANCELLED) ends the operation Canceled. done
// with neither is success with the Operation as it is. Progress comes from
// a numeric metadata.progressPercent, else metadata.progress.
//
// It cancels with POST {prefix}/{name}:cancel (strategies.Canceler). An
// error status (a poll or cancel answered 4xx or 5xx) is read as AIP-193
// describes it (strategies.ErrorReader): the *lro.ResponseError has Code
// the error's "status" (NOT_FOUND), NumericCode its "code" (404) and
// Message its "message".
func Operations() strategies.Strategy { return &operations{} }

// OperationsWithPrefix is Operations for services whose operations live
// under another path prefix than the request's leading version segment:
// prefix (such as "/v1" or "/api/v2") is put between the host and the
// operation's name. An empty prefix means Operations' rule.
func OperationsWithPrefix(prefix string) strategies.Strategy {
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		prefix = "/" + prefix
	}
	return &operations{prefix: prefix}
}

type operations struct {
	prefix string // "" means the request path's version segment
}

func (*operations) Name() string { return OperationsName }

// Applies reports whether the response is a 2xx with a body (not 204) to a
// request that does not only read.
func (*operations) Applies(method string, _ *url.URL, statusCode int, _ http.Header) bool {
	return !detect.IsRead(method) && detect.Success(statusCode)
}

// operation is google.longrunning.Operation as JSON. Fields hold raw JSON so
// that their presence and type can be told apart.
type operation struct {
	Name     json.RawMessage `json:"name"`
	Metadata json.RawMessage `json:"metadata"`
	Done     json.RawMessage `json:"done"`
	Error    json.RawMessage `json:"error"`
	Response json.RawMessage `json:"response"`
}

var operationKeys = map[string]bool{"name": true, "metadata": true, "done": true, "error": true, "response": true}

// parseOperation reads body as an Operation. ok is false when it is not one.
func parseOperation(body []byte) (op operation, name string, ok bool) {
	if !detect.LooksLikeObject(body) || !detect.Mentions(body, `"name"`) {
		return op, "", false
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(body, &keys) != nil {
		return op, "", false
	}
	for k := range keys {
		if !operationKeys[k] {
			return op, "", false
		}
	}
	op = operation{Name: keys["name"], Metadata: keys["metadata"], Done: keys["done"], Error: keys["error"], Response: keys["response"]}
	if json.Unmarshal(op.Name, &name) != nil || name == "" {
		return op, "", false
	}
	if d := op.Done; d != nil && !bytes.Equal(d, []byte("true")) && !bytes.Equal(d, []byte("false")) {
		return op, "", false
	}
	hasMeta := len(op.Metadata) > 0 && op.Metadata[0] == '{'
	if op.Done == nil && !hasMeta && !strings.HasPrefix(name, "operations/") && !strings.Contains(name, "/operations/") {
		return op, "", false
	}
	return op, name, true
}

// Start starts an operation from an Operation body.
func (s *operations) Start(init *strategies.Initial) (*strategies.Operation, error) {
	if !s.Applies(init.Method, init.URL, init.Response.StatusCode, init.Response.Header) {
		return nil, nil
	}
	raw, name, ok := parseOperation(init.Response.Body)
	if !ok {
		return nil, nil
	}
	prefix := s.prefix
	if prefix == "" {
		if prefix = versionPrefix(init.URL.EscapedPath()); prefix == "" {
			return nil, fmt.Errorf("lro: google operation %q: the request path %q has no leading version segment (/v1, /v1beta1, …) to poll under; use google.OperationsWithPrefix", name, init.URL.Path)
		}
	}
	poll, err := strategies.Resolve(init.URL, "operation name", init.URL.Scheme+"://"+init.URL.Host+prefix+"/"+name)
	if err != nil {
		return nil, err
	}
	op := &strategies.Operation{
		Strategy: OperationsName,
		Method:   init.Method,
		URL:      init.URL.String(),
		PollURL:  poll.String(),
		Status:   strategies.InProgress,
	}
	if err := read(op, &raw); err != nil {
		return nil, err
	}
	return op, nil
}

// Update reads a GET of the operation.
func (*operations) Update(op *strategies.Operation, resp *strategies.Response) error {
	raw, _, ok := parseOperation(resp.Body)
	if !ok {
		return fmt.Errorf("lro: google operation %s: answer is not an Operation: %w", op.PollURL, strategies.ErrInvalidBody)
	}
	return read(op, &raw)
}

// read applies what an Operation says to op.
func read(op *strategies.Operation, raw *operation) error {
	op.HasProgress = false
	if len(raw.Metadata) > 0 && raw.Metadata[0] == '{' {
		var m struct {
			ProgressPercent json.RawMessage `json:"progressPercent"`
			Progress        json.RawMessage `json:"progress"`
		}
		if json.Unmarshal(raw.Metadata, &m) == nil {
			for _, p := range [...]json.RawMessage{m.ProgressPercent, m.Progress} {
				var f float64
				if len(p) > 0 && json.Unmarshal(p, &f) == nil {
					op.Progress, op.HasProgress = f, true
					break
				}
			}
		}
	}
	if !bytes.Equal(raw.Done, []byte("true")) {
		op.Status = strategies.InProgress
		return nil
	}
	op.Status, op.ServiceStatus = strategies.Succeeded, ""
	if len(raw.Error) == 0 || bytes.Equal(raw.Error, []byte("null")) {
		return nil
	}
	var e struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	if err := json.Unmarshal(raw.Error, &e); err != nil {
		return fmt.Errorf("lro: google operation %s: error is not a Status: %w", op.PollURL, strategies.ErrInvalidBody)
	}
	var code int
	if len(e.Code) > 0 && json.Unmarshal(e.Code, &code) != nil {
		return fmt.Errorf("lro: google operation %s: error code %s is not an integer: %w", op.PollURL, e.Code, strategies.ErrInvalidBody)
	}
	op.Status = strategies.Failed
	if code == 1 {
		op.Status = strategies.Canceled
	}
	op.ErrorNumber, op.ErrorCode, op.ErrorMessage = code, CodeName(code), e.Message
	return nil
}

// Result is the zero Result: the final Operation, with its response inline,
// is the result.
func (*operations) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{}
}

// CancelRequest returns POST {prefix}/{name}:cancel.
func (*operations) CancelRequest(op *strategies.Operation) (string, string, error) {
	if op.PollURL == "" {
		return "", "", fmt.Errorf("lro: google operation has no name to cancel")
	}
	return http.MethodPost, op.PollURL + ":cancel", nil
}

// versionPrefix returns the leading segment of path when it is an API
// version (v1, v1beta1, v2alpha, v1p1beta1), with its slash, else "".
func versionPrefix(path string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if len(seg) < 2 || seg[0] != 'v' || seg[1] < '0' || seg[1] > '9' {
		return ""
	}
	for i := 2; i < len(seg); i++ {
		if c := seg[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z') {
			return ""
		}
	}
	return "/" + seg
}

// codeNames are the canonical names of google.rpc.Code.
var codeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// CodeName returns the canonical name of a google.rpc.Code (5 is
// "NOT_FOUND"), or "CODE_n" for a number it does not know.
func CodeName(code int) string {
	if code >= 0 && code < len(codeNames) {
		return codeNames[code]
	}
	return fmt.Sprintf("CODE_%d", code)
}
