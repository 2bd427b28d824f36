package brokertest

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// ServeTLS serves the broker over HTTPS on ln with cert (see CA.Issue)
// until Close. Like http.Server.Serve it returns http.ErrServerClosed
// after Close. A broker may serve several listeners.
func (b *Broker) ServeTLS(ln net.Listener, cert tls.Certificate) error {
	srv := &http.Server{
		Handler: b,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			MinVersion:   tls.VersionTLS12,
		},
		ReadHeaderTimeout: 10 * time.Second,
		// Clients failing verification is what some tests want; keep
		// the handshake errors out of their output.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		ln.Close()
		return http.ErrServerClosed
	}
	b.servers = append(b.servers, srv)
	b.mu.Unlock()
	return srv.ServeTLS(ln, "", "")
}

// Close stops every ServeTLS and ends hanging and trickling requests.
func (b *Broker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	close(b.done)
	var first error
	for _, srv := range b.servers {
		if err := srv.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Server is a broker serving HTTPS on a loopback port, for tests.
type Server struct {
	Broker *Broker
	CA     *CA
	// Addr is where it listens (127.0.0.1 and a free port).
	Addr netip.AddrPort
}

// Start serves b over HTTPS on 127.0.0.1 with a fresh CA, whose PEM it
// writes to caFile. The certificate names the loopback addresses,
// localhost and hosts. Close the Server (or the Broker) when done.
func Start(b *Broker, caFile string, hosts ...string) (*Server, error) {
	ca, err := NewCA()
	if err != nil {
		return nil, err
	}
	if err := ca.WriteFile(caFile); err != nil {
		return nil, err
	}
	cert, err := ca.Issue(hosts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("test broker: %w", err)
	}
	addr, err := netip.ParseAddrPort(ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("test broker: %w", err)
	}
	go b.ServeTLS(ln, cert)
	return &Server{Broker: b, CA: ca, Addr: addr}, nil
}

// URL is the update URL an HE user would paste for the tunnel:
// https://USER:KEY@ADDR/nic/update?hostname=TUNNELID.
func (s *Server) URL(user, key, tunnelID string) *url.URL {
	return &url.URL{
		Scheme:   "https",
		User:     url.UserPassword(user, key),
		Host:     s.Addr.String(),
		Path:     "/nic/update",
		RawQuery: url.Values{"hostname": {tunnelID}}.Encode(),
	}
}

// Close stops the broker.
func (s *Server) Close() error { return s.Broker.Close() }
