package lro_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"testing"
)

// loopbackBase is a base transport that dials every host to the server at
// srvURL, so that requests to a vendor's real host names reach a lrotest
// simulation. A non-nil cert is the only root it trusts for TLS.
func loopbackBase(t *testing.T, srvURL string, cert *x509.Certificate) *http.Transport {
	t.Helper()
	u, err := url.Parse(srvURL)
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, u.Host)
	}}
	if cert != nil {
		pool := x509.NewCertPool()
		pool.AddCert(cert)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}
