package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/lrohttp/lro/strategies"
)

// ErrInvalidRule is wrapped by every error about a rule that cannot be used.
var ErrInvalidRule = errors.New("lro: invalid rule")

// Rule describes one protocol. Its JSON form uses the field names given in
// the tags; unknown JSON fields are an error, so that a misspelt one is not
// silently ignored. The zero Rule is not valid: Name, Start.StatusCodes,
// Start.Hosts, one of Poll's sources, Status.Field and at least one success
// and one failure word are required.
type Rule struct {
	// Name identifies the rule; the strategy's name (in resume tokens) is
	// "rule:" + Name.
	Name string `json:"name"`
	// Start says which responses start an operation.
	Start Start `json:"start"`
	// Poll says where the status URL is.
	Poll Poll `json:"poll"`
	// Status says how to read a status answer.
	Status Status `json:"status"`
	// Progress is the location of a number from 0 to 100 in a status
	// answer, or "".
	Progress string `json:"progress,omitempty"`
	// Error says where a failed operation's code and message are.
	Error Error `json:"error,omitzero"`
	// Result says what the final response is.
	Result Result `json:"result,omitzero"`
}

// Start says which responses start an operation. Every condition given must
// hold.
type Start struct {
	// Methods are the request methods (any case); none means any.
	Methods []string `json:"methods,omitempty"`
	// StatusCodes are the response status codes, all 2xx; required.
	StatusCodes []int `json:"statusCodes"`
	// Hosts are host patterns (strategies.MatchHost: a domain with its
	// subdomains, or "*" for every host); required.
	Hosts []string `json:"hosts"`
	// Paths are path patterns (path.Match, "*" is one segment), matched
	// against the escaped request path; none means any.
	Paths []string `json:"paths,omitempty"`
	// Header is a response header that must be present, or "".
	Header string `json:"header,omitempty"`
	// Field is the location of a field the initial body must have, or "".
	Field string `json:"field,omitempty"`
}

// Poll says where the status URL is. Exactly one source is set.
type Poll struct {
	// Header is the name of a response header holding it (Location).
	Header string `json:"header,omitempty"`
	// Field is the location of a string field of the initial body
	// holding it ("/links/actions/0/href").
	Field string `json:"field,omitempty"`
	// Template builds it from fields of the initial body:
	// "/v2/actions/{/action/id}". A relative result resolves against the
	// request's URL.
	Template string `json:"template,omitempty"`
}

// Status says how to read a status answer (see the package doc).
type Status struct {
	// Field is the location of the status word; required.
	Field string `json:"field"`
	// InProgress, Success, Failure and Canceled are the words of each
	// state, matched without regard to case. Success and Failure are
	// required.
	InProgress []string `json:"inProgress,omitempty"`
	Success    []string `json:"success"`
	Failure    []string `json:"failure"`
	Canceled   []string `json:"canceled,omitempty"`
	// Unknown is the state of a word in no list: "inProgress" (the
	// default, as "") or "failure".
	Unknown string `json:"unknown,omitempty"`
	// Redirect is "success" when a status URL that redirects means done,
	// with the redirect's target as the result; "" reads the target's
	// answer like any other.
	Redirect string `json:"redirect,omitempty"`
}

// Error says where a failed operation's error is, as locations in the status
// answer that said so.
type Error struct {
	// Code is a string or number field: the error's code.
	Code string `json:"code,omitempty"`
	// Message is a string field: the error's message.
	Message string `json:"message,omitempty"`
}

// Result says what the final response is.
type Result struct {
	// From is "last" (the default, as ""): the status answer that ended
	// the operation; "field": a GET of the URL at Field in that answer
	// (the answer itself when the field is absent); "original": a GET of
	// the request's URL.
	From string `json:"from,omitempty"`
	// Field is the location of the result URL, for From "field".
	Field string `json:"field,omitempty"`
}

// Parse reads rules from JSON: one Rule object, or an array of them. It
// validates each (New) and fails with an error wrapping ErrInvalidRule.
func Parse(data []byte) ([]Rule, error) {
	data = bytes.TrimSpace(data)
	var rs []Rule
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	var err error
	if len(data) > 0 && data[0] == '[' {
		err = d.Decode(&rs)
	} else {
		var r Rule
		err = d.Decode(&r)
		rs = []Rule{r}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRule, err)
	}
	if d.More() {
		return nil, fmt.Errorf("%w: data after the rules", ErrInvalidRule)
	}
	for _, r := range rs {
		if _, err := New(r); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// Load reads a JSON rule file (Parse) and returns its rules as strategies,
// in the file's order, to put before the default chain.
func Load(path string) ([]strategies.Strategy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lro: reading rules: %w", err)
	}
	rs, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]strategies.Strategy, 0, len(rs))
	names := map[string]bool{}
	for _, r := range rs {
		if names[r.Name] {
			return nil, fmt.Errorf("%s: %w: two rules named %q", path, ErrInvalidRule, r.Name)
		}
		names[r.Name] = true
		s, _ := New(r) // Parse validated it
		out = append(out, s)
	}
	return out, nil
}

// compiled is a validated rule, ready to read answers.
type compiled struct {
	startField                location
	pollField                 location
	pollTemplate              *template
	status, progress          location
	errCode, errMessage       location
	resultField               location
	words                     map[string]strategies.Status
	unknown                   strategies.Status
	methods                   []string
	codes                     []int
	redirectDone, fromOrigURL bool
}

func (r *Rule) compile() (*compiled, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidRule, r.Name, fmt.Sprintf(format, a...))
	}
	if r.Name == "" {
		return nil, fmt.Errorf("%w: no name", ErrInvalidRule)
	}
	c := &compiled{words: map[string]strategies.Status{}, unknown: strategies.InProgress}
	if len(r.Start.StatusCodes) == 0 {
		return nil, bad("start.statusCodes is empty")
	}
	for _, code := range r.Start.StatusCodes {
		if code < 200 || code > 299 {
			return nil, bad("start.statusCodes: %d is not 2xx", code)
		}
	}
	c.codes = r.Start.StatusCodes
	if len(r.Start.Hosts) == 0 {
		return nil, bad(`start.hosts is empty (write "*" for every host)`)
	}
	for _, h := range r.Start.Hosts {
		if h == "" || strings.ContainsAny(h, "/:") {
			return nil, bad("start.hosts: %q is not a host pattern", h)
		}
	}
	for _, p := range r.Start.Paths {
		if _, err := path.Match(p, ""); err != nil || !strings.HasPrefix(p, "/") {
			return nil, bad("start.paths: %q is not a path pattern starting with /", p)
		}
	}
	for _, m := range r.Start.Methods {
		c.methods = append(c.methods, strings.ToUpper(m))
	}
	var err error
	locs := []struct {
		dst  *location
		src  string
		name string
	}{
		{&c.startField, r.Start.Field, "start.field"}, {&c.pollField, r.Poll.Field, "poll.field"},
		{&c.status, r.Status.Field, "status.field"}, {&c.progress, r.Progress, "progress"},
		{&c.errCode, r.Error.Code, "error.code"}, {&c.errMessage, r.Error.Message, "error.message"},
		{&c.resultField, r.Result.Field, "result.field"},
	}
	for _, l := range locs {
		if *l.dst, err = parseLocation(l.src); err != nil {
			return nil, bad("%s: %v", l.name, err)
		}
	}
	n := 0
	for _, s := range []string{r.Poll.Header, r.Poll.Field, r.Poll.Template} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return nil, bad("poll needs exactly one of header, field and template")
	}
	if r.Poll.Template != "" {
		if c.pollTemplate, err = parseTemplate(r.Poll.Template); err != nil {
			return nil, bad("poll.%v", err)
		}
	}
	if c.status == nil {
		return nil, bad("status.field is empty")
	}
	if len(r.Status.Success) == 0 || len(r.Status.Failure) == 0 {
		return nil, bad("status needs success and failure words")
	}
	for _, ws := range []struct {
		words []string
		st    strategies.Status
	}{{r.Status.InProgress, strategies.InProgress}, {r.Status.Success, strategies.Succeeded},
		{r.Status.Failure, strategies.Failed}, {r.Status.Canceled, strategies.Canceled}} {
		for _, w := range ws.words {
			k := strings.ToLower(w)
			if prev, ok := c.words[k]; ok && prev != ws.st {
				return nil, bad("status word %q is both %s and %s", w, prev, ws.st)
			}
			c.words[k] = ws.st
		}
	}
	switch strings.ToLower(r.Status.Unknown) {
	case "", "inprogress":
	case "failure":
		c.unknown = strategies.Failed
	default:
		return nil, bad(`status.unknown %q: want "inProgress" or "failure"`, r.Status.Unknown)
	}
	switch r.Status.Redirect {
	case "":
	case "success":
		c.redirectDone = true
	default:
		return nil, bad(`status.redirect %q: want "" or "success"`, r.Status.Redirect)
	}
	switch r.Result.From {
	case "", "last":
	case "field":
		if c.resultField == nil {
			return nil, bad(`result.from "field" needs result.field`)
		}
	case "original":
		c.fromOrigURL = true
	default:
		return nil, bad(`result.from %q: want "last", "field" or "original"`, r.Result.From)
	}
	if r.Result.From != "field" && c.resultField != nil {
		return nil, bad(`result.field is set but result.from is not "field"`)
	}
	return c, nil
}

func (c *compiled) applies(method string, statusCode int) bool {
	ok := false
	for _, code := range c.codes {
		if code == statusCode {
			ok = true
			break
		}
	}
	if !ok || len(c.methods) == 0 {
		return ok
	}
	for _, m := range c.methods {
		if m == method {
			return true
		}
	}
	return false
}

// headerPresent reports whether h has a non-empty value for name.
func headerPresent(h http.Header, name string) bool {
	return name == "" || h.Get(name) != ""
}
