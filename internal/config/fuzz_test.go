package config

import (
	"errors"
	"net/netip"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gifctl/gifctl/hostnameif"
)

// FuzzParse checks that Parse never panics, that every error reads
// "fuzz.conf:LINE: message" with a line inside the file and nothing a
// terminal or syslog would act on, and that whatever parses holds only
// valid typed values and prints back to itself. Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add(readTestdata(f, "full.conf"))
	f.Add(readTestdata(f, "small.conf"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.conf", data)
		if err != nil {
			checkErrorForm(t, data, err)
			return
		}
		if msg := invalid(c); msg != "" {
			t.Fatalf("Parse accepted an invalid value: %s\ninput: %q", msg, data)
		}
		roundTrip(t, c)
	})
}

var errPrefix = regexp.MustCompile(`^fuzz\.conf:([0-9]+): [^ ]`)

func checkErrorForm(t *testing.T, data []byte, err error) {
	t.Helper()
	msg := err.Error()
	m := errPrefix.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("error %q lacks the fuzz.conf:LINE: prefix", msg)
	}
	line, _ := strconv.Atoi(m[1])
	if lines := strings.Count(string(data), "\n") + 1; line < 1 || line > lines {
		t.Fatalf("error %q names line %d of a file of %d lines", msg, line, lines)
	}
	var pe *parseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %q is a %T, not a *parseError", msg, err)
	}
	if !utf8.ValidString(msg) {
		t.Fatalf("error %q is not valid UTF-8", msg)
	}
	for _, r := range msg {
		if !unicode.IsPrint(r) {
			t.Fatalf("error %q holds the unprintable %U", msg, r)
		}
	}
}

// invalid says what in c breaks the rules of gifctl.conf(5), checked
// again here independently of the parser, or "" when all is well.
func invalid(c *Config) string {
	paths := []string{c.HostnameDir, c.StateDir, c.Netstart, c.Pfctl, c.Ifconfig, c.CAFile}
	if c.PfConf != "" { // "" leaves pf alone
		paths = append(paths, c.PfConf)
	}
	for _, p := range paths {
		if !filepath.IsAbs(p) || filepath.Clean(p) != p {
			return "path " + strconv.Quote(p) + " not absolute and clean"
		}
		for _, r := range p {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(pathPunct, r) {
				return "path " + strconv.Quote(p) + " holds " + strconv.QuoteRune(r)
			}
		}
	}
	for _, ck := range []struct {
		c  *Check
		v4 bool
	}{{c.IPv4, true}, {c.IPv6, false}} {
		if ck.c == nil {
			continue
		}
		if n := len(ck.c.Targets); n < 1 || n > MaxTargets {
			return "check with " + strconv.Itoa(n) + " targets"
		}
		seen := make(map[netip.Addr]bool)
		for _, a := range ck.c.Targets {
			if !a.IsValid() || a.Is4() != ck.v4 || a.Zone() != "" || a.Is4In6() || seen[a] {
				return "target " + a.String()
			}
			seen[a] = true
		}
		if ck.c.Timeout < time.Second || ck.c.Timeout > 30*time.Second || ck.c.Timeout%time.Second != 0 {
			return "timeout " + ck.c.Timeout.String()
		}
	}
	if len(c.Tunnels) == 0 {
		return "no tunnel"
	}
	names := make(map[string]bool)
	ifname := regexp.MustCompile(`^[a-z]+[0-9]+$`)
	for _, tu := range c.Tunnels {
		switch {
		case names[tu.Name]:
			return "tunnel " + tu.Name + " twice"
		case !ifname.MatchString(tu.Name) || len(tu.Name) > 15:
			return "tunnel name " + strconv.Quote(tu.Name)
		case !ifname.MatchString(tu.Egress) || len(tu.Egress) > 15 || tu.Egress == tu.Name:
			return "egress " + strconv.Quote(tu.Egress)
		case tu.Remote.IsValid() && !tu.Remote.Is4():
			return "remote " + tu.Remote.String()
		case tu.Inet6.IsValid() != tu.Peer.IsValid(),
			tu.Inet6.IsValid() && (!tu.Inet6.Is6() || !tu.Peer.Is6() || tu.Inet6 == tu.Peer || tu.Inet6.Is4In6() || tu.Peer.Is4In6()):
			return "inet6 " + tu.Inet6.String() + " peer " + tu.Peer.String()
		case tu.MTU != 0 && (tu.MTU < hostnameif.MinMTU || tu.MTU > hostnameif.MaxMTU):
			return "mtu " + strconv.Itoa(tu.MTU)
		case tu.UpdateURL != nil && (tu.UpdateURL.Scheme != "https" || tu.UpdateURL.Host == ""):
			return "update-url not https with a host"
		case len(tu.Heartbeat) > MaxHeartbeatLen:
			return "heartbeat too long"
		}
		names[tu.Name] = true
		for _, r := range tu.Heartbeat {
			if r < '!' || r > '~' || strings.ContainsRune(badEverywhere, r) {
				return "heartbeat holds " + strconv.QuoteRune(r)
			}
		}
		if u := tu.UpdateURL; u != nil {
			if strings.ContainsAny(u.String(), badEverywhere+" \t\r\n\x00") {
				return "update-url holds a forbidden character"
			}
		}
	}
	return ""
}
