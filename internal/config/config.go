package config

import (
	"fmt"
	"net/url"
	"path/filepath"
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

// Secrets returns every secret string in the configuration: the update
// URLs' passwords, as written and as decoded, the values of their
// password= query parameters, likewise, and the heartbeat passwords. Tests
// and loggers check that none of them appears in their output.
func (c *Config) Secrets() []string {
	var out []string
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		if s != "" {
			out = append(out, s)
		}
	}
	for _, t := range c.Tunnels {
		if u := t.UpdateURL; u != nil {
			if pw, ok := u.User.Password(); ok {
				add(pw)
				// And as the URL spells it, percent-escapes and all.
				_, raw, _ := strings.Cut(u.User.String(), ":")
				add(raw)
			}
			for _, kv := range strings.Split(u.RawQuery, "&") {
				k, raw, _ := strings.Cut(kv, "=")
				if dk, err := url.QueryUnescape(k); err != nil || !strings.EqualFold(dk, "password") {
					continue
				}
				add(raw)
				if v, err := url.QueryUnescape(raw); err == nil {
					add(v)
				}
			}
		}
		add(t.Heartbeat)
	}
	return out
}
