package lrotest

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a simulated LRO service listening on the loopback interface.
// It hosts any number of operations and is safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, http://127.0.0.1:port (https
	// for NewTLSServer), without a trailing slash.
	URL string

	srv       *httptest.Server
	mux       *http.ServeMux
	port      string
	quit      chan struct{} // closed by Close, ends delays and endless bodies
	closeOnce sync.Once

	mu    sync.Mutex
	ops   map[string]*op
	next  int
	peers map[string]*Server // servers sharing operations, by port
}

// Request is one request an operation received.
type Request struct {
	Step   Step
	Method string
	URL    string // path and query, as sent: "/operations/op1?api-version=1"
	Host   string // the Host header: "127.0.0.1:port", "localhost:port"
	Header http.Header
	Time   time.Time // arrival
	Status int       // status code of the answer
}

// NewServer starts a Server on http://127.0.0.1 with a random port.
// The caller must Close it.
func NewServer() *Server { return newServer(false) }

// NewTLSServer starts a Server on https://127.0.0.1 with a random port and
// a fresh self-signed certificate valid for 127.0.0.1, ::1, localhost and
// example.com. Server.Client trusts it. The caller must Close it.
func NewTLSServer() *Server { return newServer(true) }

func newServer(useTLS bool) *Server {
	s := &Server{quit: make(chan struct{}), ops: map[string]*op{}}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/resources/{id}", s.serve(resourceRoute))
	s.mux.HandleFunc("/operations/{id}", s.serve(monitorRoute))
	s.mux.HandleFunc("/operations/{id}/{hop}", s.serve(monitorRoute))
	s.mux.HandleFunc("/results/{id}", s.serve(resultRoute))
	s.srv = httptest.NewUnstartedServer(s.mux)
	if useTLS {
		s.srv.TLS = &tls.Config{Certificates: []tls.Certificate{localhostCert()}}
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	_, s.port, _ = net.SplitHostPort(s.srv.Listener.Addr().String())
	return s
}

// Close ends pending delays and endless bodies, then shuts the server
// down, waiting for outstanding requests. Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.quit)
		s.srv.Close()
	})
}

// Handler returns the server's handler, to serve operations without
// sockets; Transport does that for an http.Client.
func (s *Server) Handler() http.Handler { return s.mux }

// Client returns an http.Client that trusts the server's certificate.
// Like httptest's, it follows redirects.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Certificate returns the certificate of a NewTLSServer, for clients
// that must trust several servers; nil for NewServer.
func (s *Server) Certificate() *x509.Certificate { return s.srv.Certificate() }

// Start registers a new operation and returns its resource URL,
// s.URL+"/resources/{id}", to which the client sends the PUT, PATCH, POST
// or DELETE that starts it. The ids are "op1", "op2", ... in order. Start
// panics if sc.Protocol is unknown.
//
// The first such request decides the method; repeated ones (client
// retries) get the same initial answer and do not restart the operation.
func (s *Server) Start(sc Scenario) string {
	switch sc.Protocol {
	case "":
		sc.Protocol = OperationLocation
	case OperationLocation, AzureAsyncOperation, Location, ProvisioningState, Synchronous:
	default:
		panic("lrotest: unknown protocol " + strconv.Quote(string(sc.Protocol)))
	}
	sc.Faults = slices.Clone(sc.Faults)
	mon := cmp.Or(sc.MonitorServer, s)
	// Build the operation in full before any server can route to it.
	o := &op{home: s, sc: sc}
	o.id = s.reserve()
	o.monID = o.id
	if mon != s {
		o.monID = mon.reserve()
		s.link(mon)
		mon.link(s)
	}
	if !sc.RelativeURLs {
		o.base = mon.URL
		if sc.MonitorHost != "" {
			scheme, _, _ := strings.Cut(mon.URL, "://")
			o.base = scheme + "://" + net.JoinHostPort(sc.MonitorHost, mon.port)
		}
	}
	s.publish(o.id, o)
	if mon != s {
		mon.publish(o.monID, o)
	}
	return s.URL + "/resources/" + o.id
}

// Requests returns a copy of the log of requests the operation with this
// resource URL received, in arrival order, on any server. It returns nil
// for URLs Start did not return.
func (s *Server) Requests(resourceURL string) []Request {
	o := s.find(resourceURL)
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	log := slices.Clone(o.log)
	for i := range log {
		log[i].Header = log[i].Header.Clone()
	}
	return log
}

// Count returns how many requests the operation with this resource URL
// received, including faulted and rejected ones; 0 for unknown URLs.
func (s *Server) Count(resourceURL string) int {
	o := s.find(resourceURL)
	if o == nil {
		return 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.count
}

// DoneAt returns when the operation with this resource URL became
// terminal: the arrival of the poll that got the first terminal answer
// (or of the initial request, for operations that end at once). It is the
// zero time while the operation runs and for unknown URLs.
func (s *Server) DoneAt(resourceURL string) time.Time {
	o := s.find(resourceURL)
	if o == nil {
		return time.Time{}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.st.doneAt
}

// serve returns the handler of one kind of URL.
func (s *Server) serve(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Read the body so that closing the connection (Fault.Reset)
		// never discards unread input, which would send a TCP RST.
		io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		o := s.lookup(r.PathValue("id"))
		if o == nil {
			errorAnswer(http.StatusNotFound, "NotFound", "no such operation").write(w, r, s.quit)
			return
		}
		o.respond(rt, r).write(w, r, s.quit)
	}
}

// add registers o and returns its id on s.
// reserve returns a fresh operation id.
func (s *Server) reserve() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	return "op" + itoa(s.next)
}

// publish makes the operation reachable under id.
func (s *Server) publish(id string, o *op) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops[id] = o
}

// link makes Transport route requests for peer's port to peer.
func (s *Server) link(peer *Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.peers == nil {
		s.peers = map[string]*Server{}
	}
	s.peers[peer.port] = peer
}

func (s *Server) lookup(id string) *op {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ops[id]
}

// find returns the operation whose resource URL is resourceURL.
func (s *Server) find(resourceURL string) *op {
	u, err := url.Parse(resourceURL)
	if err != nil {
		return nil
	}
	id, ok := strings.CutPrefix(u.Path, "/resources/")
	if !ok {
		return nil
	}
	return s.lookup(id)
}
