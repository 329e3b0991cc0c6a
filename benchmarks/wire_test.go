package benchmarks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// wireTap records the bytes a server reads from its connections, and how
// many connections it accepted.
type wireTap struct {
	net.Listener
	mu    sync.Mutex
	bytes strings.Builder
	conns int
}

func (l *wireTap) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns++
	l.mu.Unlock()
	return tappedConn{c, l}, nil
}

// recorded returns the bytes read so far and the connections accepted.
func (l *wireTap) recorded() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bytes.String(), l.conns
}

type tappedConn struct {
	net.Conn
	tap *wireTap
}

func (c tappedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.tap.mu.Lock()
	c.tap.bytes.Write(p[:n])
	c.tap.mu.Unlock()
	return n, err
}

// wire runs one operation of method with impl over loopback and returns
// the bytes the service read (its address replaced by HOST) and the
// number of connections the client opened.
func wire(t *testing.T, im impl, method string) (string, int) {
	t.Helper()
	var tap *wireTap
	s, rt, stop := startLoopback(2, 1, func(l net.Listener) net.Listener {
		tap = &wireTap{Listener: l}
		return tap
	})
	c := im.make(s, rt)
	run := c.put
	if method == http.MethodPost {
		run = c.post
	}
	_, err := run(context.Background(), s.base+"/res/0")
	stop()
	if err != nil {
		t.Fatalf("%s %s: %v", im.name, method, err)
	}
	got, conns := tap.recorded()
	return strings.ReplaceAll(got, strings.TrimPrefix(s.base, "http://"), "HOST"), conns
}

var azcoreUserAgent = regexp.MustCompile(`^azsdk-go-benchclient/v1\.0\.0 \(go[0-9.]+; [a-z0-9]+\)$`)

// requests parses the requests in a recorded stream, bodies read.
func requests(t *testing.T, stream string) []*http.Request {
	t.Helper()
	br := bufio.NewReader(strings.NewReader(stream))
	var reqs []*http.Request
	for {
		if _, err := br.Peek(1); err == io.EOF {
			return reqs
		}
		req, err := http.ReadRequest(br)
		if err != nil {
			t.Fatalf("request %d: %v", len(reqs)+1, err)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatalf("request %d: %v", len(reqs)+1, err)
		}
		req.Header.Set("X-Body", string(body)) // compared with the headers
		reqs = append(reqs, req)
	}
}

// azcoreDiffers reports how azcore's requests differ from hand's beyond
// what is expected of it: its own User-Agent, and no Accept on the GETs
// after its first request (its polls and its final GET).
func azcoreDiffers(t *testing.T, got, want string) []string {
	g, w := requests(t, got), requests(t, want)
	if len(g) != len(w) {
		return []string{fmt.Sprintf("%d requests, want %d", len(g), len(w))}
	}
	var diffs []string
	for i := range g {
		if g[i].Method != w[i].Method || g[i].RequestURI != w[i].RequestURI {
			diffs = append(diffs, fmt.Sprintf("request %d is %s %s, want %s %s", i+1, g[i].Method, g[i].RequestURI, w[i].Method, w[i].RequestURI))
			continue
		}
		if ua := g[i].Header.Get("User-Agent"); !azcoreUserAgent.MatchString(ua) {
			diffs = append(diffs, fmt.Sprintf("request %d: User-Agent %q", i+1, ua))
		}
		gh, wh := g[i].Header.Clone(), w[i].Header.Clone()
		gh.Del("User-Agent")
		wh.Del("User-Agent")
		if i > 0 && g[i].Method == http.MethodGet {
			if a, ok := gh["Accept"]; ok {
				diffs = append(diffs, fmt.Sprintf("request %d: a GET with Accept %q", i+1, a))
			}
			wh.Del("Accept")
		}
		if !maps.EqualFunc(gh, wh, slices.Equal) {
			diffs = append(diffs, fmt.Sprintf("request %d: header %v, want %v", i+1, gh, wh))
		}
	}
	return diffs
}

// TestSameRequests holds what the comparison rests on: over a real
// connection, lro, floor and the hand-written loop send the service the
// same bytes (every request, header and body, in the same order) on one
// connection; azcore sends the same requests and bodies on one connection,
// with its own User-Agent and no Accept header on its GETs.
func TestSameRequests(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPut, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var hand impl
			for _, im := range opsImpls {
				if im.name == "hand" {
					hand = im
				}
			}
			want, _ := wire(t, hand, method)
			if n := len(requests(t, want)); n < 4 {
				t.Fatalf("hand sent %d requests, want at least 4:\n%s", n, want)
			}
			for _, im := range opsImpls {
				got, conns := wire(t, im, method)
				if conns != 1 {
					t.Errorf("%s opened %d connections, want 1", im.name, conns)
				}
				if im.name == "azcore" {
					for _, d := range azcoreDiffers(t, got, want) {
						t.Errorf("azcore: %s", d)
					}
				} else if got != want {
					t.Errorf("%s sent:\n%s\nwant what hand sent:\n%s", im.name, got, want)
				}
			}
		})
	}
}
