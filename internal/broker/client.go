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
	"slices"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
)

// Version is gifctl's version, named in the User-Agent; cmd/gifctl sets it.
var Version = "devel"

// Time limits of one update; updateTimeout covers a trickled body too.
const (
	dialTimeout      = 5 * time.Second
	handshakeTimeout = 5 * time.Second
	headerTimeout    = 10 * time.Second
	updateTimeout    = 30 * time.Second
)

// MaxCABundle bounds the CA bundle: OpenBSD's /etc/ssl/cert.pem is 300 KB.
const MaxCABundle = 4 << 20

// client sends updates straight to the broker (no proxy), verified against
// the system's roots or caFile, read only when a restart has something to send.
type client struct {
	caFile string
	http   *http.Client // made by the first Update
}

// connect reads the CA bundle and makes the HTTPS client.
func (c *client) connect() error {
	roots := x509.NewCertPool()
	if c.caFile == "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			return fmt.Errorf("system CA certificates: %w", err)
		}
		roots = pool
	} else if pem, err := bsd.ReadFile(c.caFile, MaxCABundle); err != nil {
		return err // names the file
	} else if !roots.AppendCertsFromPEM(pem) {
		return fmt.Errorf("%s: no PEM certificates", c.caFile)
	}
	c.http = &http.Client{
		Transport: &http.Transport{
			DialContext:            (&net.Dialer{Timeout: dialTimeout}).DialContext,
			TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:    handshakeTimeout,
			ResponseHeaderTimeout:  headerTimeout,
			MaxResponseHeaderBytes: 64 << 10,
			DisableKeepAlives:      true, // one request per run
		},
		// dyndns2 does not redirect; a redirect could take the key elsewhere
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return nil
}

// Update tells the broker at u that the tunnel's endpoint is addr; only a 2xx
// Answer.OK counts.
func (c *client) Update(ctx context.Context, u *url.URL, addr netip.Addr) (Answer, error) {
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
		return Answer{}, wrap(u, err)
	}
	if u.User != nil {
		key, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), key)
	}
	req.Header.Set("User-Agent", "gifctl/"+Version)
	resp, err := c.http.Do(req)
	if err != nil {
		return Answer{MyIP: myip}, wrap(u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err == nil && ctx.Err() != nil {
		err = context.Cause(ctx) // an answer cut at our deadline is none
	}
	if err != nil {
		return Answer{MyIP: myip}, wrap(u, fmt.Errorf("reading the answer: %w", err))
	}
	a, err := parseAnswer(body)
	a.MyIP, a.Text = myip, scrub(a.Text, u)
	switch {
	case resp.StatusCode/100 != 2 && err == nil: // an error page may say "good"
		err = fmt.Errorf("broker answered %q", a.String())
		fallthrough
	case resp.StatusCode/100 != 2 && a.Code == "":
		return Answer{MyIP: myip}, fmt.Errorf("%s: HTTP %s: %s", Redact(u), resp.Status, scrub(err.Error(), u))
	case err == nil && !a.OK():
		return a, fmt.Errorf("broker answered %q, but gifctl sent myip=%s", a.String(), myip)
	case err != nil:
		return a, errors.New(scrub(err.Error(), u))
	}
	return a, nil
}

// requestURL is u as sent: no userinfo, u's stale myip replaced by addr if
// public (else the broker takes the source address).
func requestURL(u *url.URL, addr netip.Addr) (*url.URL, netip.Addr) {
	c := *u
	c.User = nil
	kept := slices.DeleteFunc(strings.Split(u.RawQuery, "&"), func(p string) bool {
		return p == "" || p == "myip" || strings.HasPrefix(p, "myip=")
	})
	var myip netip.Addr
	if bsd.NotPublic(addr) == "" {
		myip = addr.Unmap()
		kept = append(kept, "myip="+myip.String())
	}
	c.RawQuery = strings.Join(kept, "&")
	return &c, myip
}

// wrap redacts the URL in net/http's error, keeping its cause for errors.Is.
func wrap(u *url.URL, err error) error {
	if uerr, ok := errors.AsType[*url.Error](err); ok {
		err = uerr.Err
	}
	return &updateError{scrub(fmt.Sprintf("%s: %v", Redact(u), err), u), err}
}

// Redact prints u with config.URLSecrets masked: https://alice:*****@host/...
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	return scrub(u.String(), u)
}

func scrub(s string, u *url.URL) string {
	return bsd.NewRedactor(config.URLSecrets(u)...).Redact(s)
}

// updateError is an error whose text is scrubbed of secrets.
type updateError struct {
	msg string
	err error
}

func (e *updateError) Error() string { return e.msg }
func (e *updateError) Unwrap() error { return e.err }
