package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/sim/netns"
)

// pingWorld is a router namespace linked to a "net" namespace that answers
// pings, and to a "void" namespace whose addresses answer nothing.
func pingWorld(t *testing.T) *world {
	w := newWorld(t, "198.51.100.7")
	netNS, void := netns.NewTestNS(t), netns.NewTestNS(t)
	netns.Link(t, w.ns, "wan0", netNS, "eth0")
	netns.Link(t, w.ns, "wan1", void, "eth0")
	w.ns.AddAddr("wan0", "203.0.113.2/24")
	w.ns.AddAddr("wan0", "2001:db8:1::2/64") // the tunnel's inner address
	netNS.AddAddr("eth0", "203.0.113.1/24")
	netNS.AddAddr("eth0", "2001:db8:1::1/64")
	w.ns.AddAddr("wan1", "192.0.2.2/24")
	w.ns.AddAddr("wan1", "2001:db8:2::2/64")
	void.AddAddr("eth0", "192.0.2.1/24")
	void.AddAddr("eth0", "2001:db8:2::1/64")
	void.Sysctl("net.ipv4.icmp_echo_ignore_all", "1")
	void.Sysctl("net.ipv6.icmp.echo_ignore_all", "1")
	return w
}

// timed runs gifctl and returns how long the process took.
func (w *world) timed(args ...string) (result, time.Duration) {
	start := time.Now()
	r := w.gifctl(nil, args...)
	return r, time.Since(start)
}

func TestCheckPing(t *testing.T) {
	w := pingWorld(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
		// within bounds the process: ifstated SIGKILLs a test that
		// outlives its interval, so the bound is behaviour, not speed.
		within time.Duration
	}{
		{"live ipv4", []string{"check", "ipv4", "--timeout=2s", "203.0.113.1"}, 0, 2 * time.Second},
		{"silent ipv4", []string{"check", "ipv4", "--timeout=1s", "192.0.2.1"}, 1, 2 * time.Second},
		{"silent then live", []string{"check", "ipv4", "--timeout=5s", "192.0.2.1", "203.0.113.1"}, 0, 3 * time.Second},
		{"live ipv6 from the inner address", []string{"check", "ipv6", "--timeout=2s", "2001:db8:1::1"}, 0, 2 * time.Second},
		{"silent ipv6", []string{"check", "ipv6", "--timeout=1s", "2001:db8:2::1"}, 1, 2 * time.Second},
		{"not an address", []string{"check", "ipv4", "example.org"}, 2, 2 * time.Second},
		{"wrong family", []string{"check", "ipv6", "203.0.113.1"}, 2, 2 * time.Second},
	} {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			r, took := w.timed(tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			if took > tt.within+time.Second {
				t.Errorf("took %s, more than %s plus a second's margin", took, tt.within)
			}
		})
	}

	// The configuration's check block gives the targets.
	text, _ := os.ReadFile(w.conf)
	w.writeConf(string(text) + "check ipv4 {\n\ttarget 192.0.2.1 203.0.113.1\n\ttimeout 2\n}\n")
	if r := w.gifctl(nil, "check", "ipv4"); r.code != 0 {
		t.Errorf("check ipv4 with the config's targets: exit %d\n%s", r.code, r.stderr)
	}
	if r := w.gifctl(nil, "check", "ipv6", "2001:db8:1::1"); r.code != 0 {
		t.Errorf("check ipv6: exit %d\n%s", r.code, r.stderr)
	}
	if got := w.read("state/check.ipv4"); !strings.Contains(got, `"ok":true`) {
		t.Errorf("state/check.ipv4 = %q, want the last answer recorded", got)
	}

	// The link goes down: false within the timeout, not an error.
	w.ns.IP("link", "set", "wan0", "down")
	if r, took := w.timed("check", "ipv4", "--timeout=1s", "203.0.113.1"); r.code != 1 || took > 2*time.Second {
		t.Errorf("link down: exit %d after %s, want 1 within the timeout", r.code, took)
	}
	// The inner address is gone with the link's addresses: the tunnel is
	// down, and native IPv6 elsewhere must not answer for it.
	w.ns.IP("addr", "flush", "dev", "wan0")
	w.ns.IP("link", "set", "wan0", "up")
	if r := w.gifctl(nil, "-v", "check", "ipv6", "--timeout=1s", "2001:db8:2::2"); r.code != 1 {
		t.Errorf("check ipv6 without the inner address: exit %d, want 1\n%s", r.code, r.stderr)
	}

	// No inner address known at all (no inet6 in the tunnel block, none
	// in hostname.gif0): probing from any address could be answered by
	// native IPv6, so it is a configuration error, not an answer.
	conf, _ := os.ReadFile(w.conf)
	w.writeConf(strings.Replace(string(conf), "\tinet6 2001:db8:1::2 peer 2001:db8:1::1\n", "", 1))
	w.write("etc/hostname.gif0", "tunnel 198.51.100.7 216.66.80.26\n", 0o640)
	if r := w.gifctl(nil, "check", "ipv6", "--timeout=1s", "2001:db8:2::2"); r.code != 2 || !strings.Contains(r.stderr, "gif0: inner address unknown") {
		t.Errorf("check ipv6 with no inner address known: exit %d, want 2\n%s", r.code, r.stderr)
	}
}

func TestCheckTunnel(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	if r := w.gifctl(nil, "-v", "check", "tunnel"); r.code != 1 || !strings.Contains(r.stderr, "no such interface") {
		t.Errorf("check tunnel before any restart: exit %d, %q; want 1 naming the missing gif", r.code, r.stderr)
	}
	w.mustRun("restart")
	w.mustRun("check", "tunnel")
	// A stale source is the address change gifctl is for.
	w.renumber("198.51.100.7", "198.51.100.8")
	if r := w.gifctl(nil, "-v", "check", "tunnel"); r.code != 1 || !strings.Contains(r.stderr, "tunnel source 198.51.100.7 is not em0's address (198.51.100.8)") {
		t.Errorf("stale source: exit %d, %q", r.code, r.stderr)
	}
	w.mustRun("restart")
	// A wrong destination: someone ran ifconfig gif0 tunnel by hand.
	if err := os.WriteFile(filepath.Join(w.dir, "kernel.gif0"), []byte("198.51.100.8 203.0.113.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := w.gifctl(nil, "-v", "check", "tunnel"); r.code != 1 || !strings.Contains(r.stderr, "tunnel destination 203.0.113.9 is not the remote 216.66.80.26") {
		t.Errorf("wrong remote: exit %d, %q", r.code, r.stderr)
	}
	// Without -v a false check says nothing: ifstated discards it anyway,
	// and syslog must not fill up every 5 seconds.
	if r := w.gifctl(nil, "check", "tunnel"); r.code != 1 || r.stderr != "" {
		t.Errorf("quiet check: exit %d, %q", r.code, r.stderr)
	}
	w.mustRun("restart")
	w.mustRun("check", "tunnel")
}

// A result that cannot be recorded is a warning, in syslog and on stderr,
// and the check answers as it would have.
func TestCheckResultNotRecorded(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart")
	// A non-empty directory where the result goes: no rename replaces it.
	if err := os.MkdirAll(filepath.Join(w.dir, "state/check.tunnel.gif0"), 0o700); err != nil {
		t.Fatal(err)
	}
	w.write("state/check.tunnel.gif0/x", "", 0o600)
	if r := w.gifctl(nil, "check", "tunnel"); r.code != 0 || !strings.Contains(r.stderr, "check tunnel gif0: result not recorded") {
		t.Errorf("check tunnel with its result unrecordable: exit %d, %q; want 0 and a warning", r.code, r.stderr)
	}
}

// A hostname.IF that cannot be read is reported as such, not as an inner
// address nobody gave.
func TestCheckIPv6UnreadableHostnameIF(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	conf, _ := os.ReadFile(w.conf)
	w.writeConf(strings.Replace(string(conf), "\tinet6 2001:db8:1::2 peer 2001:db8:1::1\n", "", 1))
	if err := os.MkdirAll(filepath.Join(w.dir, "etc/hostname.gif0"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := w.gifctl(nil, "check", "ipv6", "--timeout=1s", "2001:db8:2::2")
	if r.code == 0 || !strings.Contains(r.stderr, "hostname.gif0: not a regular file") || strings.Contains(r.stderr, "inner address unknown") {
		t.Errorf("check ipv6 with hostname.gif0 unreadable: exit %d, %q; want it named", r.code, r.stderr)
	}
}
