package lrotest

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// route is the kind of URL a request was sent to.
type route int

const (
	resourceRoute route = iota // /resources/{id}
	monitorRoute               // /operations/{id}[/{hop}]
	resultRoute                // /results/{id}
)

// op is one simulated operation. It is shared by its home server and, if
// the scenario names one, its monitor server.
type op struct {
	home  *Server
	id    string // id on home
	monID string // id on the monitor server
	base  string // scheme://host:port of handed-out URLs; "" if relative

	mu    sync.Mutex
	sc    Scenario
	st    state
	seen  [numSteps]int // requests per step
	count int
	log   []Request
}

// state is what requests change; faults other than delays roll it back.
type state struct {
	method   string // method of the accepted initial request; "" until then
	progress int    // in-progress poll answers given
	done     bool
	doneAt   time.Time
}

// respond decides the answer to r, advances the operation and logs r.
func (o *op) respond(rt route, r *http.Request) *answer {
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	step := o.classify(rt, r.Method)
	o.count++
	o.seen[step]++
	a := o.decide(rt, step, o.seen[step], r, now)
	if !o.sc.NoLog {
		o.log = append(o.log, Request{
			Step:   step,
			Method: r.Method,
			URL:    r.URL.RequestURI(),
			Host:   r.Host,
			Header: r.Header.Clone(),
			Time:   now,
			Status: a.status,
		})
	}
	return a
}

func (o *op) classify(rt route, method string) Step {
	switch {
	case rt == monitorRoute:
		return Poll
	case rt == resultRoute:
		return Final
	case method == http.MethodGet:
		if o.sc.Protocol == ProvisioningState && o.st.method != "" && !o.st.done {
			return Poll
		}
		return Final
	case method == http.MethodPut, method == http.MethodPatch,
		method == http.MethodPost, method == http.MethodDelete:
		return Initial
	}
	return Final
}

func (o *op) decide(rt route, step Step, n int, r *http.Request, now time.Time) *answer {
	if r.Method != http.MethodGet && step != Initial {
		a := errorAnswer(http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" not allowed here")
		a.header.Set("Allow", http.MethodGet)
		return a
	}
	if v := o.sc.APIVersion; v != "" {
		switch got := r.URL.Query()["api-version"]; {
		case len(got) == 0:
			return errorAnswer(http.StatusBadRequest, "MissingApiVersionParameter",
				"the api-version query parameter must be "+v)
		case len(got) > 1 || got[0] != v:
			return errorAnswer(http.StatusBadRequest, "InvalidApiVersionParameter",
				"the api-version query parameter must be "+v+" once")
		}
	}
	before := o.st
	var a *answer
	switch step {
	case Initial:
		a = o.initial(r.Method, now)
	case Poll:
		a = o.poll(rt, r, now)
	default:
		a = o.final(rt)
	}
	for i := range o.sc.Faults {
		if f := &o.sc.Faults[i]; f.hits(step, n) {
			if f.replaces() {
				o.st = before
			}
			f.apply(a, o.sc.RetryAfterMS)
			break
		}
	}
	return a
}

func (o *op) initial(method string, now time.Time) *answer {
	if o.st.method == "" {
		o.st.method = method
	}
	sc := &o.sc
	m := o.st.method
	var a *answer
	switch {
	case sc.Protocol == Synchronous, sc.Protocol == ProvisioningState && m == http.MethodPost:
		o.finish(now)
		a = o.result()
	case sc.Protocol == ProvisioningState:
		code := http.StatusAccepted
		switch m {
		case http.MethodPut:
			code = http.StatusCreated
		case http.MethodPatch:
			code = http.StatusOK
		}
		a = jsonAnswer(code, o.doc(sc.running(m)))
	case sc.Protocol == Location:
		hop := ""
		if sc.LocationLoop {
			hop = "a"
		}
		a = newAnswer(http.StatusAccepted)
		a.header.Set("Location", o.monitorURL(hop))
	default: // OperationLocation, AzureAsyncOperation
		code := http.StatusAccepted
		if m == http.MethodPut {
			code = http.StatusCreated
		}
		a = newAnswer(code)
		if m == http.MethodPut || m == http.MethodPatch {
			a = jsonAnswer(code, o.doc(provisioning(m)))
		}
		name := "Operation-Location"
		if sc.Protocol == AzureAsyncOperation {
			name = "Azure-AsyncOperation"
		}
		a.header.Set(name, o.monitorURL(""))
		if sc.WithLocation {
			a.header.Set("Location", o.resultURL())
		}
	}
	if !o.st.done {
		retryAfter(a.header, sc.RetryAfter, sc.RetryAfterMS)
	}
	if sc.InitialStatus != 0 {
		a.status = sc.InitialStatus
	}
	return a
}

func (o *op) poll(rt route, r *http.Request, now time.Time) *answer {
	sc := &o.sc
	if o.st.method == "" || rt == monitorRoute && (sc.Protocol == ProvisioningState || sc.Protocol == Synchronous) {
		return errorAnswer(http.StatusNotFound, "NotFound", "no such operation")
	}
	if !o.st.done {
		if sc.Polls < 0 || sc.LocationLoop && sc.Protocol == Location || o.st.progress < sc.Polls {
			o.st.progress++
			return o.running(r)
		}
		o.finish(now)
	}
	return o.terminal()
}

// running is an in-progress poll answer.
func (o *op) running(r *http.Request) *answer {
	sc := &o.sc
	m := o.st.method
	var a *answer
	switch sc.Protocol {
	case Location:
		hop := ""
		switch {
		case sc.LocationLoop && r.PathValue("hop") == "a":
			hop = "b"
		case sc.LocationLoop:
			hop = "a"
		case sc.LocationHops:
			hop = itoa(o.st.progress)
		}
		a = newAnswer(http.StatusAccepted)
		a.header.Set("Location", o.monitorURL(hop))
	case ProvisioningState:
		a = jsonAnswer(http.StatusOK, o.doc(sc.running(m)))
	default:
		a = jsonAnswer(http.StatusOK, monitorDoc{ID: o.monID, Status: sc.running(m), PercentComplete: o.percent()})
	}
	retryAfter(a.header, sc.RetryAfter, sc.RetryAfterMS)
	return a
}

// terminal is the answer to polls once the operation is done.
func (o *op) terminal() *answer {
	sc := &o.sc
	m := o.st.method
	switch sc.Protocol {
	case Location:
		if sc.succeeded() && sc.SeeOther && m != http.MethodDelete {
			a := newAnswer(http.StatusSeeOther)
			a.header.Set("Location", o.resultLocation())
			return a
		}
		return o.result()
	case ProvisioningState:
		return o.final(resourceRoute)
	}
	d := monitorDoc{ID: o.monID, Status: sc.terminal(), PercentComplete: o.percent()}
	if !sc.succeeded() {
		d.Error = failure(o.monID, sc.terminal())
	} else {
		if sc.ResourceLocation && m != http.MethodDelete {
			d.ResourceLocation = o.resultLocation()
		}
		if m == http.MethodPost && !sc.ResourceLocation && !sc.WithLocation {
			// The monitor body is the only way a client following
			// Azure's rules has to the result.
			d.Result = o.postResult()
		}
	}
	return jsonAnswer(http.StatusOK, d)
}

// final is the answer to a GET of the resource or result URL.
func (o *op) final(rt route) *answer {
	m := o.st.method
	switch {
	case m == "":
		return errorAnswer(http.StatusNotFound, "ResourceNotFound", "no such resource")
	case rt == resultRoute && !o.st.done:
		a := newAnswer(http.StatusAccepted)
		retryAfter(a.header, o.sc.RetryAfter, o.sc.RetryAfterMS)
		return a
	case rt == resultRoute:
		return o.result()
	case m == http.MethodPost:
		a := errorAnswer(http.StatusMethodNotAllowed, "MethodNotAllowed", "the POST action has no resource to GET")
		a.header.Set("Allow", http.MethodPost)
		return a
	case !o.st.done && o.sc.Protocol == ProvisioningState:
		return jsonAnswer(http.StatusOK, o.doc(o.sc.running(m)))
	case !o.st.done:
		return jsonAnswer(http.StatusOK, o.doc(provisioning(m)))
	case !o.sc.succeeded():
		return jsonAnswer(http.StatusOK, o.doc(o.sc.terminal()))
	case m == http.MethodDelete:
		return errorAnswer(http.StatusNotFound, "ResourceNotFound", "the resource was deleted")
	}
	return o.result()
}

// result is the final result of a done operation.
func (o *op) result() *answer {
	sc := &o.sc
	if !sc.succeeded() {
		code := sc.failStatus()
		if code/100 == 2 {
			return jsonAnswer(code, o.doc(sc.terminal()))
		}
		return jsonAnswer(code, errorDoc{Error: failure(o.monID, sc.terminal())})
	}
	switch {
	case o.st.method == http.MethodDelete:
		return newAnswer(http.StatusNoContent)
	case sc.Result != "":
		return jsonAnswer(http.StatusOK, sc.Result)
	case o.st.method == http.MethodPost:
		return jsonAnswer(http.StatusOK, postResult{Name: o.id, Result: "done"})
	}
	return jsonAnswer(http.StatusOK, o.doc(sc.terminal()))
}

// postResult is the JSON of a successful POST's result, for the terminal
// monitor body; nil when Scenario.Result is not valid JSON.
func (o *op) postResult() json.RawMessage {
	if r := o.sc.Result; r != "" {
		if !json.Valid([]byte(r)) {
			return nil
		}
		return json.RawMessage(r)
	}
	b, _ := json.Marshal(postResult{Name: o.id, Result: "done"})
	return b
}

type postResult struct {
	Name   string `json:"name"`
	Result string `json:"result"`
}

func (o *op) finish(now time.Time) {
	o.st.done = true
	o.st.doneAt = now
}

func (o *op) doc(state string) resourceDoc {
	d := resourceDoc{ID: "/resources/" + o.id, Name: o.id}
	d.Properties.ProvisioningState = state
	return d
}

// percent is the percentComplete of the monitor body, if wanted.
func (o *op) percent() *int {
	if !o.sc.PercentComplete {
		return nil
	}
	p := 100
	switch {
	case o.st.done:
	case o.sc.Polls > 0:
		p = o.st.progress * 100 / (o.sc.Polls + 1)
	default:
		p = min(o.st.progress, 99)
	}
	return &p
}

func (o *op) resourceURL() string {
	if o.sc.RelativeURLs {
		return "/resources/" + o.id
	}
	return o.home.URL + "/resources/" + o.id
}

// monitorURL is the status monitor URL, with a hop segment if not "".
func (o *op) monitorURL(hop string) string {
	u := o.base + "/operations/" + o.monID
	if hop != "" {
		u += "/" + hop
	}
	if o.sc.MonitorQuery != "" {
		u += "?" + o.sc.MonitorQuery
	}
	return u
}

func (o *op) resultURL() string { return o.base + "/results/" + o.monID }

// resultLocation is where a done operation's result lives.
func (o *op) resultLocation() string {
	if o.st.method == http.MethodPost {
		return o.resultURL()
	}
	return o.resourceURL()
}
