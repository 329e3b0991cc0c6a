package google

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// ComputeName is the Compute Engine strategy's name in resume tokens.
const ComputeName = "google-compute"

// Compute returns the Compute Engine strategy. It applies to a 2xx answer,
// other than 204, to a request that is not a GET or HEAD, whose body is a
// JSON object with "kind": "compute#operation" and a selfLink, zonal,
// regional or global alike.
//
// It polls the operation's selfLink. Its status is PENDING, RUNNING or DONE
// (any other word is taken as still running). DONE is a failure when
// error.errors[] is non-empty or httpErrorStatusCode is not 2xx: the
// *lro.OperationError has Code the first error's code (else
// httpErrorMessage), NumericCode the httpErrorStatusCode, and Message the
// errors' messages joined with "; " (else httpErrorMessage). On success the
// result is a GET of targetLink, except for a DELETE, whose final operation
// is the result (as it is when there is no targetLink). Progress comes from
// the operation's "progress" (0 to 100).
//
// An error status (a poll or the final GET answered 4xx or 5xx) is read as
// Operations reads it, the older format's first errors[].reason standing in
// for a missing "status" (strategies.ErrorReader). Compute operations cannot
// be canceled; the strategy is not a Canceler.
func Compute() strategies.Strategy { return compute{} }

type compute struct{}

func (compute) Name() string { return ComputeName }

// Applies reports whether the response is a 2xx with a body (not 204) to a
// request that does not only read.
func (compute) Applies(method string, _ *url.URL, statusCode int, _ http.Header) bool {
	return !detect.IsRead(method) && detect.Success(statusCode)
}

// computeOp is the part of a compute#operation lro reads.
type computeOp struct {
	Kind                string   `json:"kind"`
	SelfLink            string   `json:"selfLink"`
	TargetLink          string   `json:"targetLink"`
	Status              string   `json:"status"`
	Progress            *float64 `json:"progress"`
	HTTPErrorStatusCode int      `json:"httpErrorStatusCode"`
	HTTPErrorMessage    string   `json:"httpErrorMessage"`
	Error               *struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"error"`
}

const computeKind = "compute#operation"

func parseCompute(body []byte) (computeOp, error) {
	var c computeOp
	if !detect.LooksLikeObject(body) || !detect.Mentions(body, `"`+computeKind+`"`) {
		return c, strategies.ErrInvalidBody
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return c, fmt.Errorf("%w: %w", strategies.ErrInvalidBody, err)
	}
	if c.Kind != computeKind {
		return c, strategies.ErrInvalidBody
	}
	return c, nil
}

// Start starts an operation from a compute#operation body.
func (s compute) Start(init *strategies.Initial) (*strategies.Operation, error) {
	if !s.Applies(init.Method, init.URL, init.Response.StatusCode, init.Response.Header) {
		return nil, nil
	}
	c, err := parseCompute(init.Response.Body)
	if err != nil {
		return nil, nil // not a Compute operation: the next strategy's turn
	}
	op := &strategies.Operation{
		Strategy: ComputeName,
		Method:   init.Method,
		URL:      init.URL.String(),
		Status:   strategies.InProgress,
	}
	if err := readCompute(op, &c, init.Response.URL); err != nil {
		return nil, err
	}
	return op, nil
}

// Update reads a GET of the operation's selfLink.
func (compute) Update(op *strategies.Operation, resp *strategies.Response) error {
	c, err := parseCompute(resp.Body)
	if err != nil {
		return fmt.Errorf("lro: compute operation %s: answer is not a compute#operation: %w", op.PollURL, err)
	}
	return readCompute(op, &c, resp.URL)
}

func readCompute(op *strategies.Operation, c *computeOp, base *url.URL) error {
	self, err := strategies.ResolveURL(base, "selfLink", c.SelfLink)
	if err != nil {
		return err
	}
	op.SetPollURL(self)
	if c.TargetLink != "" {
		target, err := strategies.Resolve(base, "targetLink", c.TargetLink)
		if err != nil {
			return err
		}
		op.ResultURL = target.String()
	}
	op.ServiceStatus = c.Status
	op.HasProgress = c.Progress != nil
	if c.Progress != nil {
		op.Progress = *c.Progress
	}
	if c.Status != "DONE" {
		op.Status = strategies.InProgress
		return nil
	}
	var codes, msgs []string
	if c.Error != nil {
		for _, e := range c.Error.Errors {
			codes, msgs = append(codes, e.Code), append(msgs, e.Message)
		}
	}
	httpFailed := c.HTTPErrorStatusCode != 0 && (c.HTTPErrorStatusCode < 200 || c.HTTPErrorStatusCode > 299)
	if len(codes) == 0 && !httpFailed {
		op.Status = strategies.Succeeded
		return nil
	}
	op.Status = strategies.Failed
	op.ErrorNumber, op.ErrorCode, op.ErrorMessage = c.HTTPErrorStatusCode, c.HTTPErrorMessage, c.HTTPErrorMessage
	if len(codes) > 0 {
		op.ErrorCode, op.ErrorMessage = codes[0], strings.Join(msgs, "; ")
	}
	return nil
}

// Result GETs the targetLink, except for a DELETE (and an operation with no
// targetLink), where the final operation is the result.
func (compute) Result(op *strategies.Operation, _ *strategies.Response) strategies.Result {
	if op.Method == http.MethodDelete || op.ResultURL == "" {
		return strategies.Result{}
	}
	return strategies.Result{Get: op.ResultURL}
}
