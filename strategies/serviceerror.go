package strategies

// ServiceError is the service's error as a strategy reads it from a response
// with an error status. The zero value means the response names none.
type ServiceError struct {
	// Code is the service's error code word (Azure's "error.code",
	// AIP-193's "error.status" such as NOT_FOUND), or "".
	Code string
	// NumericCode is the service's numeric error code (AIP-193's
	// "error.code", the HTTP status), or 0.
	NumericCode int
	// Message is the service's error message, or "".
	Message string
}

// ErrorReader is a Strategy that reads its protocol's error from a response
// with an error status (4xx or 5xx) to a poll, the final GET or the cancel
// request of an operation it owns; lro's *ResponseError carries what it
// reads. A Strategy that is not an ErrorReader gets ParseServiceError.
type ErrorReader interface {
	// ReadError reads the service's error from resp, an error-status
	// answer for op. resp.Body holds the body as lro read it (capped as
	// status bodies are); it may be empty, or not JSON at all.
	ReadError(op *Operation, resp *Response) ServiceError
}

// ReadError reads the service's error from resp, an error-status answer for
// op, as s reads it: through its ReadError when s is an ErrorReader, else
// with ParseServiceError.
func ReadError(s Strategy, op *Operation, resp *Response) ServiceError {
	if r, ok := s.(ErrorReader); ok {
		return r.ReadError(op, resp)
	}
	return ParseServiceError(resp.Body)
}

// ParseServiceError reads the "error" object that Azure and OData services
// send ({"error":{"code":…,"message":…}}), as ParseFields does: a string
// code is Code, an integer one NumericCode. A body that is empty, not JSON
// or without such an object gives the zero ServiceError.
func ParseServiceError(body []byte) ServiceError {
	f, err := ParseFields(body)
	if err != nil {
		return ServiceError{}
	}
	return ServiceError{Code: f.ErrorCode, NumericCode: f.ErrorNumber, Message: f.ErrorMessage}
}
