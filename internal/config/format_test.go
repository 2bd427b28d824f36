package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// format prints a Config back as gifctl.conf text, every value quoted
// (the grammar has no escapes; no value can hold a double quote).
// It lives in a test file on purpose: it prints secrets.
func format(c *Config) string {
	var b strings.Builder
	for _, o := range []struct{ kw, v string }{
		{"hostname-dir", c.HostnameDir}, {"state-dir", c.StateDir},
		{"netstart", c.Netstart}, {"pfctl", c.Pfctl}, {"ifconfig", c.Ifconfig},
		{"pf-conf", c.PfConf}, {"ca-file", c.CAFile},
	} {
		if o.v != "" {
			fmt.Fprintf(&b, "set %s \"%s\"\n", o.kw, o.v)
		}
	}
	for _, ck := range []struct {
		fam string
		c   *Check
	}{{"ipv4", c.IPv4}, {"ipv6", c.IPv6}} {
		if ck.c == nil {
			continue
		}
		fmt.Fprintf(&b, "check %s {\n", ck.fam)
		for _, a := range ck.c.Targets {
			fmt.Fprintf(&b, "\ttarget %s\n", a)
		}
		fmt.Fprintf(&b, "\ttimeout %d\n}\n", int(ck.c.Timeout.Seconds()))
	}
	for _, t := range c.Tunnels {
		fmt.Fprintf(&b, "tunnel %s {\n\tegress %s\n", t.Name, t.Egress)
		if t.Remote.IsValid() {
			fmt.Fprintf(&b, "\tremote %s\n", t.Remote)
		}
		if t.Inet6.IsValid() {
			if t.Inet6Len != 0 {
				fmt.Fprintf(&b, "\tinet6 %s/%d peer %s\n", t.Inet6, t.Inet6Len, t.Peer)
			} else {
				fmt.Fprintf(&b, "\tinet6 %s peer %s\n", t.Inet6, t.Peer)
			}
		}
		if t.MTU != 0 {
			fmt.Fprintf(&b, "\tmtu %d\n", t.MTU)
		}
		if t.UpdateURL != nil {
			fmt.Fprintf(&b, "\tupdate-url \"%s\"\n", t.UpdateURL)
		}
		if t.Heartbeat != "" {
			fmt.Fprintf(&b, "\theartbeat \"%s\"\n", t.Heartbeat)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// cmpConfig compares Configs: addresses by value, URLs by their text.
var cmpConfig = []cmp.Option{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b *url.URL) bool {
		if a == nil || b == nil {
			return a == b
		}
		return a.String() == b.String()
	}),
}

// ignoreFile leaves out the file name, which a reparse changes.
var ignoreFile = []cmp.Option{cmpopts.IgnoreFields(Config{}, "File")}

// roundTrip checks that printing c and parsing the text gives c again.
func roundTrip(t *testing.T, c *Config) {
	t.Helper()
	text := format(c)
	again, err := Parse("again.conf", []byte(text))
	if err != nil {
		t.Fatalf("reparse of formatted config: %v\n%s", err, text)
	}
	opts := append(append([]cmp.Option{}, cmpConfig...), ignoreFile...)
	if diff := cmp.Diff(c, again, opts...); diff != "" {
		t.Errorf("round trip (-parsed +reparsed):\n%s\ntext:\n%s", diff, text)
	}
}
