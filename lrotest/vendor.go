package lrotest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Vendor names a non-Azure status protocol a [VendorServer] simulates.
type Vendor string

// The protocols a [VendorScenario] can speak.
const (
	// GraphCopy is Microsoft Graph's driveItem copy: POST answers 202 with
	// a Location naming an asyncJobStatus monitor (on MonitorHost when set),
	// which answers {"status":"inProgress","percentageComplete":…} and
	// ends "completed" (as a 200, or a 202 with FinalAccepted), "failed"
	// with an error (Fail), or 303 to the item (Redirect).
	GraphCopy Vendor = "graph-copy"

	// GraphOperation is Graph's richLongRunningOperation: POST answers 202
	// with a Location naming an operation resource on the same host, which
	// says "running" and ends "succeeded" with a resourceLocation, or
	// "failed" with an error.
	GraphOperation Vendor = "graph-operation"

	// AsyncReply is the async request-reply pattern of Azure's
	// Architecture Center: POST answers 202 with a Location naming a
	// status endpoint, which answers 200 {"status":"In progress"} and
	// ends with 302 to the result (on MonitorHost when set; 303 with
	// Redirect), or 200 {"status":"Failed","error":…} (Fail).
	AsyncReply Vendor = "async-reply"

	// GitHubStats is GitHub's /repos/{owner}/{repo}/stats/*: a GET (or
	// HEAD) answers 202 {} while the statistics are computed (Polls
	// repeats after the first), then 200 with them.
	GitHubStats Vendor = "github-stats"

	// DigitalOcean is a DigitalOcean action: POST
	// /v2/droplets/{id}/actions answers 201 {"action":{"id":…,"status":
	// "in-progress"}}; GET /v2/actions/{id} says "in-progress" and ends
	// "completed", or "errored" (Fail).
	DigitalOcean Vendor = "digitalocean"

	// OpenStack is an OpenStack Compute server build: POST /v2.1/servers
	// answers 202 with a Location naming the server, whose GET says
	// {"server":{"status":"BUILD","progress":…}} and ends "ACTIVE", or
	// "ERROR" with a fault (Fail).
	OpenStack Vendor = "openstack"
)

// VendorScenario describes one simulated operation of a [VendorServer].
type VendorScenario struct {
	// Vendor is the protocol.
	Vendor Vendor
	// Polls is how many status answers say "in progress" before the end.
	Polls int
	// Fail ends the operation in the protocol's failure.
	Fail bool
	// Redirect ends a GraphCopy monitor with 303 to the item, and an
	// AsyncReply status endpoint with 303 instead of 302.
	Redirect bool
	// FinalAccepted sends a GraphCopy monitor's "completed" as a 202.
	FinalAccepted bool
	// MonitorHost, when set, is the host (with port, if not the scheme's
	// default) of GraphCopy's monitor and of AsyncReply's result. The
	// client must reach this server there (a dialer that maps the name).
	MonitorHost string
}

// VendorServer simulates the protocols of [Vendor]. It is safe for
// concurrent use; operations advance by poll count only.
type VendorServer struct {
	srv *httptest.Server

	mu     sync.Mutex
	n      int
	routes map[string]vendorRoute
	starts map[string]*vendorOp
}

type vendorRoute struct {
	op   *vendorOp
	kind string // "start", "poll", "result"
}

type vendorOp struct {
	sc        VendorScenario
	n         int
	startHost string // scheme://host of the starting request
	polls     int
	log       []VendorRequest
}

// VendorRequest is one request a simulated operation received.
type VendorRequest struct {
	Method string
	Path   string // request URI as sent
	Host   string
	Header http.Header
	Status int // the status answered
}

// NewVendorServer starts a VendorServer on http://127.0.0.1 with a random
// port. The caller must Close it.
func NewVendorServer() *VendorServer { return newVendorServer(false) }

// NewVendorTLSServer starts a VendorServer on https://127.0.0.1 with a
// fresh self-signed certificate valid for the loopback addresses,
// localhost, example.com and names (graph.microsoft.com, say), so that a
// client dialing those names to it verifies the certificate
// ([VendorServer.Certificate]). The caller must Close it.
func NewVendorTLSServer(names ...string) *VendorServer {
	return newVendorServer(true, names...)
}

func newVendorServer(useTLS bool, names ...string) *VendorServer {
	s := &VendorServer{routes: map[string]vendorRoute{}, starts: map[string]*vendorOp{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	if useTLS {
		s.srv.TLS = &tls.Config{Certificates: []tls.Certificate{localhostCert(names...)}}
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	return s
}

// URL returns the server's base URL.
func (s *VendorServer) URL() string { return s.srv.URL }

// Certificate returns a NewVendorTLSServer's certificate, nil otherwise.
func (s *VendorServer) Certificate() *x509.Certificate { return s.srv.Certificate() }

// Close shuts the server down.
func (s *VendorServer) Close() { s.srv.Close() }

// Start registers an operation and returns the URL that starts it: a GET
// URL for GitHubStats, a POST URL for the others. Start panics if
// sc.Vendor is unknown.
func (s *VendorServer) Start(sc VendorScenario) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	o := &vendorOp{sc: sc, n: s.n}
	var start, poll, result string
	switch sc.Vendor {
	case GraphCopy:
		start = fmt.Sprintf("/v1.0/me/drive/items/%d/copy", o.n)
		poll = fmt.Sprintf("/personal/u/_api/v2.0/monitor/m%d", o.n)
		result = fmt.Sprintf("/v1.0/drives/d/items/copy-%d", o.n)
	case GraphOperation:
		start = fmt.Sprintf("/v1.0/things/%d/restore", o.n)
		poll = fmt.Sprintf("/v1.0/operations/op-%d", o.n)
		result = fmt.Sprintf("/v1.0/things/%d", o.n)
	case AsyncReply:
		start = fmt.Sprintf("/api/jobs-%d", o.n)
		poll = fmt.Sprintf("/api/status/%d", o.n)
		result = fmt.Sprintf("/api/results/%d", o.n)
	case GitHubStats:
		start = fmt.Sprintf("/repos/octo/repo%d/stats/contributors", o.n)
	case DigitalOcean:
		start = fmt.Sprintf("/v2/droplets/%d/actions", o.n)
		poll = fmt.Sprintf("/v2/actions/%d", 1000+o.n)
	case OpenStack:
		start = fmt.Sprintf("/v2.1/servers-%d", o.n)
		poll = fmt.Sprintf("/v2.1/servers/srv-%d", o.n)
	default:
		panic("lrotest: unknown Vendor " + string(sc.Vendor))
	}
	s.routes[start] = vendorRoute{o, "start"}
	if poll != "" {
		s.routes[poll] = vendorRoute{o, "poll"}
	}
	if result != "" {
		s.routes[result] = vendorRoute{o, "result"}
	}
	u := s.srv.URL + start
	s.starts[u] = o
	return u
}

// Requests returns the requests the operation started at startURL (as
// Start returned it) received, in order, including those to its monitor
// and result.
func (s *VendorServer) Requests(startURL string) []VendorRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.starts[startURL]; o != nil {
		return append([]VendorRequest(nil), o.log...)
	}
	return nil
}

func (s *VendorServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.routes[r.URL.Path]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": "NotFound", "message": "no such path " + r.URL.Path}})
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	rt.op.serve(rec, r, rt.kind)
	rt.op.log = append(rt.op.log, VendorRequest{Method: r.Method, Path: r.URL.RequestURI(), Host: r.Host, Header: r.Header.Clone(), Status: rec.status})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// progress is the percentage an in-progress answer gives.
func (o *vendorOp) progress() int { return 100 * o.polls / (o.sc.Polls + 1) }

func (o *vendorOp) serve(w http.ResponseWriter, r *http.Request, kind string) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if kind == "start" {
		o.startHost = scheme + "://" + r.Host
	}
	home, other := o.startHost, o.startHost
	if o.sc.MonitorHost != "" {
		other = scheme + "://" + o.sc.MonitorHost
	}
	running := kind == "poll" && o.polls < o.sc.Polls
	if running {
		o.polls++
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	n := o.n
	switch o.sc.Vendor {
	case GraphCopy:
		switch {
		case kind == "start":
			h.Set("Location", fmt.Sprintf("%s/personal/u/_api/v2.0/monitor/m%d", other, n))
			w.WriteHeader(http.StatusAccepted)
		case kind == "result":
			writeJSON(w, 200, map[string]any{"id": fmt.Sprintf("copy-%d", n), "name": "copy.docx"})
		case running:
			writeJSON(w, 202, map[string]any{"operation": "itemCopy", "percentageComplete": o.progress(), "status": "inProgress"})
		case o.sc.Fail:
			writeJSON(w, 200, map[string]any{"operation": "itemCopy", "status": "failed",
				"error": map[string]any{"code": "nameAlreadyExists", "message": "An item with this name already exists."}})
		case o.sc.Redirect:
			h.Set("Location", fmt.Sprintf("%s/v1.0/drives/d/items/copy-%d", home, n))
			w.WriteHeader(http.StatusSeeOther)
		default:
			code := 200
			if o.sc.FinalAccepted {
				code = 202
			}
			writeJSON(w, code, map[string]any{"operation": "itemCopy", "percentageComplete": 100, "resourceId": fmt.Sprintf("copy-%d", n), "status": "completed"})
		}
	case GraphOperation:
		switch {
		case kind == "start":
			h.Set("Location", fmt.Sprintf("%s/v1.0/operations/op-%d", home, n))
			w.WriteHeader(http.StatusAccepted)
		case kind == "result":
			writeJSON(w, 200, map[string]any{"id": fmt.Sprint(n), "restored": true})
		case running:
			writeJSON(w, 200, map[string]any{"id": fmt.Sprintf("op-%d", n), "status": "running", "percentageComplete": o.progress()})
		case o.sc.Fail:
			writeJSON(w, 200, map[string]any{"id": fmt.Sprintf("op-%d", n), "status": "failed",
				"error": map[string]any{"code": "restoreFailed", "message": "The snapshot is gone."}})
		default:
			writeJSON(w, 200, map[string]any{"id": fmt.Sprintf("op-%d", n), "status": "succeeded",
				"resourceLocation": fmt.Sprintf("%s/v1.0/things/%d", home, n)})
		}
	case AsyncReply:
		switch {
		case kind == "start":
			h.Set("Location", fmt.Sprintf("%s/api/status/%d", home, n))
			h.Set("Retry-After", "0")
			w.WriteHeader(http.StatusAccepted)
		case kind == "result":
			writeJSON(w, 200, map[string]any{"id": n, "result": "done"})
		case running:
			writeJSON(w, 200, map[string]any{"status": "In progress", "percentComplete": o.progress()})
		case o.sc.Fail:
			writeJSON(w, 200, map[string]any{"status": "Failed", "error": map[string]any{"code": "JobFailed", "message": "The job ran out of memory."}})
		default:
			h.Set("Location", fmt.Sprintf("%s/api/results/%d", other, n))
			code := http.StatusFound
			if o.sc.Redirect {
				code = http.StatusSeeOther
			}
			w.WriteHeader(code)
		}
	case GitHubStats:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeJSON(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		if o.polls < o.sc.Polls+1 { // the first GET starts the computation
			o.polls++
			writeJSON(w, 202, map[string]any{})
			return
		}
		writeJSON(w, 200, []any{map[string]any{"total": 135, "author": map[string]any{"login": "octocat"}}})
	case DigitalOcean:
		id := 1000 + n
		switch {
		case kind == "start":
			writeJSON(w, 201, map[string]any{"action": map[string]any{"id": id, "status": "in-progress", "type": "reboot"}})
		case running:
			writeJSON(w, 200, map[string]any{"action": map[string]any{"id": id, "status": "in-progress", "type": "reboot"}})
		case o.sc.Fail:
			writeJSON(w, 200, map[string]any{"action": map[string]any{"id": id, "status": "errored", "type": "reboot"}})
		default:
			writeJSON(w, 200, map[string]any{"action": map[string]any{"id": id, "status": "completed", "type": "reboot"}})
		}
	case OpenStack:
		id := fmt.Sprintf("srv-%d", n)
		switch {
		case kind == "start":
			h.Set("Location", fmt.Sprintf("%s/v2.1/servers/%s", home, id))
			writeJSON(w, 202, map[string]any{"server": map[string]any{"id": id, "adminPass": "x"}})
		case running:
			writeJSON(w, 200, map[string]any{"server": map[string]any{"id": id, "status": "BUILD", "progress": o.progress()}})
		case o.sc.Fail:
			writeJSON(w, 200, map[string]any{"server": map[string]any{"id": id, "status": "ERROR",
				"fault": map[string]any{"code": 500, "message": "No valid host was found."}}})
		default:
			writeJSON(w, 200, map[string]any{"server": map[string]any{"id": id, "status": "ACTIVE", "progress": 100}})
		}
	}
}
