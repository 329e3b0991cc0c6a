package riverlro

import (
	"net/http"
	"time"
)

// State is where an operation stands. Every state but Running is final.
type State string

// The states an operation goes through.
const (
	// Running: a worker is carrying the operation (or will, at the job's
	// next run).
	Running State = "running"
	// Succeeded: the operation ended well; Result holds the final
	// response.
	Succeeded State = "succeeded"
	// Failed: the service reported failure, or the operation could not
	// go on (see Result.ErrorCode).
	Failed State = "failed"
	// Canceled: the service reported the operation canceled.
	Canceled State = "canceled"
	// TimedOut: the operation outlived its deadline; Token resumes it.
	TimedOut State = "timed_out"
)

// Error codes riverlro records in Result.ErrorCode when a failure did not
// come with the service's own code. A service's code (from its error body)
// is recorded as it came.
const (
	// CodeRetriesExhausted: transient failures outlasted the job's
	// MaxAttempts.
	CodeRetriesExhausted = "riverlro.retries_exhausted"
	// CodeResponse: a poll or the final GET answered an error status that
	// is not transient; Result.StatusCode, Header and Body hold it.
	CodeResponse = "riverlro.response"
	// CodePoll: the operation cannot go on (a refused URL, an unreadable
	// status body, a limit lro enforces, an invalid token).
	CodePoll = "riverlro.poll"
	// CodeDeadline: the operation outlived Config.Deadline (state
	// TimedOut).
	CodeDeadline = "riverlro.deadline"
)

// Operation is an operation's row.
type Operation struct {
	// ID is the operation's id: the id of its River job.
	ID    int64
	State State
	// ServiceStatus is the status string the service last reported
	// ("Running", "Succeeded", ...); "" before the first poll.
	ServiceStatus string
	// Polls counts the steps taken so far (polls and the final GET).
	Polls int
	// Token is the operation's newest resume token: lro.Transport.Resume
	// or Poll go on from it anywhere.
	Token string
	// Deadline is when the operation times out; zero for none.
	Deadline   time.Time
	CreatedAt  time.Time
	FinishedAt time.Time // zero while Running
	// CancelRequested is when Cancel asked the service to cancel; zero if
	// never.
	CancelRequested time.Time
	// Result is the outcome; nil while Running.
	Result *Result
}

// Result is an ended operation's outcome.
type Result struct {
	// StatusCode, Header and Body are the final response (Succeeded), the
	// response that reported the failure (Failed, Canceled) or the error
	// response (CodeResponse). StatusCode is 0 when no response ended the
	// operation (a deadline, a transport failure).
	StatusCode int
	Header     http.Header
	Body       []byte
	// Truncated reports that the body was longer than Config.MaxBody:
	// Body holds its first MaxBody bytes only.
	Truncated bool
	// ErrorCode and ErrorMessage describe a failure: the service's error
	// code and message, or one of the Code constants and lro's error.
	ErrorCode    string
	ErrorMessage string
}

// progress is what a running operation's job records as its output after
// each step: River writes it with the job's next state in one UPDATE.
type progress struct {
	Token  string `json:"token"`
	Status string `json:"status,omitempty"`
	Polls  int    `json:"polls"`
}
