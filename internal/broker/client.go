package broker

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
)

// Version is gifctl's version, named in the User-Agent; cmd/gifctl sets it.
var Version = "devel"

// Time limits of one update. The caller's context bounds the whole of it
// too, and usually more tightly.
const (
	dialTimeout      = 5 * time.Second
	handshakeTimeout = 5 * time.Second
	headerTimeout    = 10 * time.Second
	// updateTimeout bounds the whole request, body included: a broker
	// that trickles its answer a byte at a time ends here.
	updateTimeout = 30 * time.Second
)

// MaxCABundle bounds the CA bundle read: OpenBSD's /etc/ssl/cert.pem is
// about 300 KB.
const MaxCABundle = 4 << 20

// client sends updates to a broker over HTTPS. It verifies the broker's
// certificate against the PEM bundle caFile, or the system's roots when
// caFile is "", read when the first update goes out: reading and parsing
// a bundle of some 150 certificates costs milliseconds and a megabyte,
// which a restart with nothing to tell the broker does not spend. That
// read comes after the sandbox, so the plans unveil the bundle "r".
// Proxies in the environment are ignored: the update goes straight to the
// broker.
type client struct {
	caFile string
	http   *http.Client // made by the first Update
}

// newClient returns a client for the CA bundle caFile ("" for the
// system's roots). It reads nothing yet.
func newClient(caFile string) *client { return &client{caFile: caFile} }

// connect reads the CA bundle and makes the HTTPS client.
func (c *client) connect() error {
	var roots *x509.CertPool
	if c.caFile == "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			return fmt.Errorf("system CA certificates: %w", err)
		}
		roots = pool
	} else {
		pem, err := bsd.ReadFile(c.caFile, MaxCABundle)
		if err != nil {
			return err // names the file
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s: no PEM certificates", c.caFile)
		}
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: dialTimeout}).DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    handshakeTimeout,
		ResponseHeaderTimeout:  headerTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true, // one request per run
	}
	c.http = &http.Client{
		Transport: transport,
		// A dyndns2 endpoint does not redirect; following one could take
		// the credentials or a downgrade somewhere else.
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return nil
}

// Update tells the broker at u that the tunnel's endpoint is addr. The
// user:key of u goes into Basic auth and out of the request URL; query
// parameters (hostname=, username=, password=) are sent as they are. myip=
// is added only when addr is public; otherwise the broker takes the
// request's source address, and the returned Answer's MyIP is invalid.
//
// The answer counts only under a 2xx status and, when myip was sent,
// only if it names that address. Errors name the URL only through
// Redact, and never contain its secrets.
func (c *client) Update(ctx context.Context, u *url.URL, addr netip.Addr) (Answer, error) {
	if u == nil {
		return Answer{}, errors.New("no update URL")
	}
	if u.Scheme != "https" {
		return Answer{}, fmt.Errorf("%s: not https; credentials go to the broker only over https", Redact(u))
	}
	if c.http == nil {
		if err := c.connect(); err != nil {
			return Answer{}, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	target, myip := requestURL(u, addr)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return Answer{}, c.wrap(u, err)
	}
	if u.User != nil {
		key, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), key)
	}
	req.Header.Set("User-Agent", "gifctl/"+Version)

	resp, err := c.http.Do(req)
	if err != nil {
		return Answer{MyIP: myip}, c.wrap(u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err == nil && ctx.Err() != nil {
		// The broker may end its answer because we hung up at the
		// deadline: what came until then is no answer.
		err = context.Cause(ctx)
	}
	if err != nil {
		return Answer{MyIP: myip}, c.wrap(u, fmt.Errorf("reading the answer: %w", err))
	}
	a, err := parseAnswer(body)
	a.MyIP = myip
	a.Text = scrub(a.Text, u)
	if resp.StatusCode/100 != 2 && (err == nil || a.Code == "") {
		// An error page may say "good" too: success needs a 2xx.
		if err == nil {
			err = fmt.Errorf("broker answered %s", quote(a.String()))
		}
		return Answer{MyIP: myip}, fmt.Errorf("%s: HTTP %s: %s", Redact(u), resp.Status, scrub(err.Error(), u))
	}
	if err == nil && !a.OK() {
		err = fmt.Errorf("broker answered %s, but gifctl sent myip=%s", quote(a.String()), myip)
	}
	if err != nil {
		return a, errors.New(scrub(err.Error(), u))
	}
	return a, nil
}

// requestURL is u as it goes on the wire: no userinfo, and myip= set to addr
// when addr is public and removed otherwise (a myip pasted into the URL
// would be stale).
func requestURL(u *url.URL, addr netip.Addr) (*url.URL, netip.Addr) {
	c := *u
	c.User = nil
	var kept []string
	for _, p := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(p, "=")
		if p != "" && name != "myip" {
			kept = append(kept, p)
		}
	}
	var myip netip.Addr
	if bsd.IsPublicIPv4(addr) {
		myip = addr.Unmap()
		kept = append(kept, "myip="+myip.String())
	}
	c.RawQuery = strings.Join(kept, "&")
	return &c, myip
}

// wrap names the redacted URL in an error from net/http, whose own text
// carries the URL of the request, and scrubs any secret left.
func (c *client) wrap(u *url.URL, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &updateError{msg: scrub(fmt.Sprintf("%s: %v", Redact(u), err), u), err: err}
}

// updateError keeps the cause for errors.Is (context.DeadlineExceeded,
// x509 errors) while its text is the scrubbed one.
type updateError struct {
	msg string
	err error
}

func (e *updateError) Error() string { return e.msg }
func (e *updateError) Unwrap() error { return e.err }
