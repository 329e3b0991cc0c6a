// Package asyncreply implements the asynchronous request-reply pattern of
// Azure's Architecture Center, which many services of every vendor follow:
// the request is answered 202 Accepted with a Location naming a status
// endpoint; that endpoint answers 200 with a JSON "status" while the work
// runs, and redirects (302 Found or 303 See Other) to the result when it is
// done. OpenAPI-first services, Azure Functions' Durable HTTP APIs and
// hand-written job APIs use it.
//
// How it reads an answer of the status endpoint:
//   - an answer lro reached by following a redirect: done, and that
//     answer (the result) is the final response, fetched without the
//     caller's credentials when it is on another host (docs/security.md);
//   - a 202: in progress (its Location, if any, becomes the status URL);
//   - a 200 (or other 2xx) whose JSON "status" is an in-progress word
//     ("In progress", "InProgress", "in_progress", "running", "pending",
//     "queued", "notStarted", "accepted", "created", ignoring case, spaces,
//     '-' and '_'): in progress, with "percentComplete", "percentageComplete"
//     or "progress" as progress;
//   - a failure word ("failed", "failure", "error", "errored"; "canceled",
//     "cancelled"): an *lro.OperationError with "error.code" and
//     "error.message" (else "code"/"message" at the top level);
//   - a success word ("succeeded", "success", "completed", "complete",
//     "done"), or a 2xx without a status: done, the answer is the result;
//   - any other status word: in progress (WithMaxWait bounds the wait).
//
// Where it applies: only on the hosts a user names (New), never in the
// default chain. A 200 {"status":"In progress"} is an ordinary resource on
// most hosts, and the default chain's Location strategy rightly takes the
// first 200 for the result there; only the user knows which services
// follow this pattern. Put it before the default chain:
//
//	lro.WithStrategies(append([]strategies.Strategy{asyncreply.New("jobs.example.com")}, lro.DefaultStrategies()...)...)
package asyncreply

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/lrohttp/lro/detect"
	"github.com/lrohttp/lro/strategies"
)

// Name is the strategy's name in resume tokens.
const Name = "async-reply"

// Strategy reads an async request-reply status endpoint. Create it with New.
type Strategy struct {
	hosts []string
}

// New returns the strategy for requests to hosts (domains with their
// subdomains, strategies.MatchHost; "*" means every host). With no hosts
// it applies nowhere.
//
// It takes its hosts itself, where Graph's and Google's strategies are
// wrapped in strategies.OnHosts, because the list means something else
// here: those protocols are whole without it (the default chain scopes
// them to their vendor's hosts), whereas a 202 with a Location is this
// pattern only where the user says so. A Strategy without hosts therefore
// applies nowhere rather than everywhere, and "*" says "everywhere" on
// purpose; repeatget and rules take their patterns the same way. The hosts
// match by the same rule as OnHosts (strategies.HostUnder).
func New(hosts ...string) *Strategy { return &Strategy{hosts: append([]string(nil), hosts...)} }

// Name returns "async-reply".
func (*Strategy) Name() string { return Name }

// Header returns "Location", the response header the strategy reads.
func (*Strategy) Header() string { return "Location" }

// Applies reports whether the response is a 202 Accepted with a Location,
// to a request on one of the strategy's hosts.
func (s *Strategy) Applies(_ string, u *url.URL, statusCode int, header http.Header) bool {
	if statusCode != http.StatusAccepted || !detect.HasHeader(header, detect.HeaderLocation) || u == nil {
		return false
	}
	h := u.Hostname()
	for _, p := range s.hosts {
		if strategies.MatchHost(p, h) {
			return true
		}
	}
	return false
}

// Start polls the 202's Location.
func (*Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	v := init.Response.Header.Get("Location")
	if init.Response.StatusCode != http.StatusAccepted || v == "" {
		return nil, nil
	}
	u, err := strategies.ResolveURL(init.Response.URL, "Location", v)
	if err != nil {
		return nil, err
	}
	op := &strategies.Operation{Strategy: Name, Method: init.Method, URL: init.URL.String(),
		Location: u.String(), Status: strategies.InProgress}
	op.SetPollURL(u)
	return op, nil
}

// Update reads one answer of the status endpoint (see the package doc).
func (*Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	op.HasProgress, op.ErrorCode, op.ErrorNumber, op.ErrorMessage = false, "", 0, ""
	if strategies.Redirected(op.PollURL, resp) {
		op.Status, op.ServiceStatus = strategies.Succeeded, ""
		return nil
	}
	if err := strategies.MoveToLocation(op, resp); err != nil {
		return err
	}
	b := Parse(resp.Body)
	if !b.HasStatus {
		if resp.StatusCode != http.StatusAccepted {
			op.Status, op.ServiceStatus = strategies.Succeeded, ""
		}
		return nil
	}
	op.ServiceStatus = b.Status
	op.Progress, op.HasProgress = b.Progress, b.HasProgress
	op.Status = ParseStatus(b.Status)
	if op.Status == strategies.Failed || op.Status == strategies.Canceled {
		op.ErrorCode, op.ErrorMessage = b.ErrorCode, b.ErrorMessage
	}
	return nil
}

// Result returns the zero Result: the answer that ended the operation (the
// redirect's target, or the final status answer) is the result.
func (*Strategy) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{}
}

// ParseStatus maps a status word to a Status (see the package doc),
// ignoring case, spaces, '-' and '_'. Unknown words are InProgress.
func ParseStatus(s string) strategies.Status {
	w := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '_':
			return -1
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, s)
	switch w {
	case "succeeded", "success", "completed", "complete", "done":
		return strategies.Succeeded
	case "failed", "failure", "error", "errored":
		return strategies.Failed
	case "canceled", "cancelled":
		return strategies.Canceled
	}
	return strategies.InProgress
}

// Body is what the strategy reads from a status answer. Absent fields, and
// fields of another type, are zero.
type Body struct {
	Status                  string
	HasStatus               bool
	Progress                float64
	HasProgress             bool
	ErrorCode, ErrorMessage string
}

// Parse reads a status answer. A body that is not a JSON object has no
// status.
func Parse(body []byte) Body {
	var b Body
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return b
	}
	b.Status, b.HasStatus = str(raw["status"])
	for _, k := range []string{"percentComplete", "percentageComplete", "progress"} {
		var p float64
		if v, ok := raw[k]; ok && json.Unmarshal(v, &p) == nil && p >= 0 && p <= 100 {
			b.Progress, b.HasProgress = p, true
			break
		}
	}
	e := raw
	if v := raw["error"]; len(v) > 0 && v[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(v, &m) == nil {
			e = m
		}
	} else if s, ok := str(v); ok {
		b.ErrorMessage = s
	}
	if c, ok := str(e["code"]); ok {
		b.ErrorCode = c
	} else if n, ok := e["code"]; ok && len(n) > 0 && (n[0] == '-' || '0' <= n[0] && n[0] <= '9') {
		b.ErrorCode = string(n) // a number: its JSON text
	}
	if m, ok := str(e["message"]); ok {
		b.ErrorMessage = m
	}
	return b
}

func str(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}
