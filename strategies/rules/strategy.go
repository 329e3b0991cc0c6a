package rules

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lrohttp/lro/strategies"
)

// Strategy is a Rule as a strategies.Strategy. Create it with New or Load.
type Strategy struct {
	rule Rule
	name string
	c    *compiled
}

// New validates r and returns its strategy. The error wraps ErrInvalidRule.
func New(r Rule) (*Strategy, error) {
	c, err := r.compile()
	if err != nil {
		return nil, err
	}
	return &Strategy{rule: r, name: "rule:" + r.Name, c: c}, nil
}

// Rule returns the rule the strategy was made from.
func (s *Strategy) Rule() Rule { return s.rule }

// Name returns "rule:" and the rule's name.
func (s *Strategy) Name() string { return s.name }

// Applies reports whether the response matches the rule's start
// conditions that need no body: method, status code, host, path, header.
func (s *Strategy) Applies(method string, u *url.URL, statusCode int, header http.Header) bool {
	if !s.c.applies(method, statusCode) || u == nil || !headerPresent(header, s.rule.Start.Header) {
		return false
	}
	host := false
	for _, p := range s.rule.Start.Hosts {
		if strategies.MatchHost(p, u.Hostname()) {
			host = true
			break
		}
	}
	if !host || len(s.rule.Start.Paths) == 0 {
		return host
	}
	for _, p := range s.rule.Start.Paths {
		if strategies.MatchURL("*"+p, u) {
			return true
		}
	}
	return false
}

// Start checks the rule's start.field, finds the status URL and reads an
// initial status, when the initial body has the status field.
func (s *Strategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	resp := init.Response
	if !s.Applies(init.Method, init.URL, resp.StatusCode, resp.Header) {
		return nil, nil
	}
	d := decode(resp.Body)
	if s.c.startField != nil {
		if _, ok := d.get(s.c.startField); !ok {
			return nil, nil
		}
	}
	var ref, source string
	switch p := s.rule.Poll; {
	case p.Header != "":
		ref, source = resp.Header.Get(p.Header), p.Header
	case p.Field != "":
		ref, _ = d.text(s.c.pollField)
		source = "field " + p.Field
	default:
		var err error
		if ref, err = s.c.pollTemplate.expand(d, url.PathEscape); err != nil {
			return nil, fmt.Errorf("lro: rule %q: %w", s.rule.Name, err)
		}
		source = "template " + p.Template
	}
	u, err := strategies.ResolveURL(resp.URL, source, ref)
	if err != nil {
		return nil, fmt.Errorf("lro: rule %q: %w", s.rule.Name, err)
	}
	op := &strategies.Operation{Strategy: s.name, Method: init.Method, URL: init.URL.String(),
		Status: strategies.InProgress}
	op.SetPollURL(u)
	if _, ok := d.text(s.c.status); ok {
		if err := s.read(op, resp, d); err != nil {
			return nil, err
		}
	}
	return op, nil
}

// Update reads one status answer (see the package doc).
func (s *Strategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	op.HasProgress = false
	if s.c.redirectDone && strategies.Redirected(op.PollURL, resp) {
		op.Status, op.ServiceStatus, op.ResultURL = strategies.Succeeded, "", ""
		return nil
	}
	d := decode(resp.Body)
	if _, ok := d.text(s.c.status); !ok {
		if resp.StatusCode == http.StatusAccepted {
			op.Status = strategies.InProgress
			return nil
		}
		return fmt.Errorf("lro: rule %q: %w at %s in the answer of %s", s.rule.Name, strategies.ErrNoStatus,
			s.rule.Status.Field, resp.URL.Redacted())
	}
	return s.read(op, resp, d)
}

// read applies a status answer that has the status field.
func (s *Strategy) read(op *strategies.Operation, resp *strategies.Response, d doc) error {
	word, _ := d.text(s.c.status)
	st, ok := s.c.words[strings.ToLower(word)]
	if !ok {
		st = s.c.unknown
	}
	op.Status, op.ServiceStatus = st, word
	op.Progress, op.HasProgress = d.number(s.c.progress)
	if op.HasProgress && (op.Progress < 0 || op.Progress > 100) {
		op.Progress, op.HasProgress = 0, false
	}
	op.ErrorCode, op.ErrorNumber, op.ErrorMessage, op.ResultURL = "", 0, "", ""
	switch st {
	case strategies.Failed, strategies.Canceled:
		op.ErrorCode, _ = d.text(s.c.errCode)
		if n, err := strconv.Atoi(op.ErrorCode); err == nil {
			op.ErrorNumber = n
		}
		op.ErrorMessage, _ = d.text(s.c.errMessage)
	case strategies.Succeeded:
		if s.c.resultField != nil {
			if ref, ok := d.text(s.c.resultField); ok && ref != "" {
				u, err := strategies.Resolve(resp.URL, "field "+s.rule.Result.Field, ref)
				if err != nil {
					return fmt.Errorf("lro: rule %q: %w", s.rule.Name, err)
				}
				op.ResultURL = u.String()
			}
		}
	}
	return nil
}

// Result says what the rule's result.from names.
func (s *Strategy) Result(op *strategies.Operation, last *strategies.Response) strategies.Result {
	switch {
	case s.c.redirectDone && last != nil && strategies.Redirected(op.PollURL, last): // the redirect's target
		return strategies.Result{}
	case s.c.fromOrigURL:
		return strategies.Result{Get: op.URL}
	}
	return strategies.Result{Get: op.ResultURL}
}
