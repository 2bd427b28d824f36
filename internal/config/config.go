package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// Tunnel returns the tunnel block for the gif interface name. "" means the
// only tunnel, which is how a one-tunnel router is run without naming it.
func (c *Config) Tunnel(name string) (*Tunnel, error) {
	if name == "" {
		switch len(c.Tunnels) {
		case 0:
			return nil, fmt.Errorf("no tunnel in %s", c.File)
		case 1:
			return c.Tunnels[0], nil
		}
		names := make([]string, len(c.Tunnels))
		for i, t := range c.Tunnels {
			names[i] = t.Name
		}
		return nil, fmt.Errorf("several tunnels; name one of %s", strings.Join(names, ", "))
	}
	for _, t := range c.Tunnels {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, fmt.Errorf("%s: no such tunnel in %s", quoteIfOdd(name), c.File)
}

// HostnameFile is the hostname.if(5) file of the tunnel's gif interface.
func (t *Tunnel) HostnameFile(c *Config) string {
	return filepath.Join(c.HostnameDir, "hostname."+t.Name)
}

// Secrets returns every secret of the configuration: those of the update
// URLs (URLSecrets) and the heartbeat passwords. The logger masks them, in
// these forms and percent-encoded (bsd.Redactor), and tests check that none
// of them appears in their output.
func (c *Config) Secrets() []string {
	var out []string
	for _, t := range c.Tunnels {
		out = append(out, URLSecrets(t.UpdateURL)...)
		if t.Heartbeat != "" {
			out = append(out, t.Heartbeat)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// URLSecrets returns the secrets of an update URL: the key of USER:KEY@
// and the values of query parameters whose name says secret (SecretParam),
// each as written and decoded, and the Basic credentials base64(USER:KEY)
// that carry the key in the Authorization header.
func URLSecrets(u *url.URL) []string {
	if u == nil {
		return nil
	}
	var out []string
	add := func(raw string, unescape func(string) (string, error)) {
		out = append(out, raw)
		if v, err := unescape(raw); err == nil {
			out = append(out, v)
		}
	}
	if key, ok := u.User.Password(); ok {
		_, raw, _ := strings.Cut(u.User.String(), ":") // as the URL spells it
		add(raw, url.PathUnescape)
		out = append(out, key, base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+key)))
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, raw, ok := strings.Cut(kv, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if ok && SecretParam(k) {
			add(raw, url.QueryUnescape)
		}
	}
	out = slices.DeleteFunc(out, func(s string) bool { return s == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

// SecretParam says whether the value of query parameter name is a secret:
// password=, pass=, key=, and any name containing "pass", "key", "token"
// or "secret", such as apikey= of HE's legacy endpoint.
func SecretParam(name string) bool {
	name = strings.ToLower(name)
	return slices.ContainsFunc([]string{"pass", "key", "token", "secret"}, func(w string) bool {
		return strings.Contains(name, w)
	})
}
