package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/probe"
)

var (
	now    = time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	egress = netip.MustParseAddr("192.0.2.10")
	remote = netip.MustParseAddr("198.51.100.1")
	inner  = netip.MustParseAddr("2001:db8:1::2")
	peer   = netip.MustParseAddr("2001:db8:1::1")
	target = netip.MustParseAddr("2001:db8:ffff::1")
)

// healthy is a router where everything works: a public egress, HE's update
// endpoint, a hostname.gif0 as gifctl writes it, pf enabled.
func healthy() *Facts {
	return &Facts{
		Tunnel: "gif0", Egress: "em0", Remote: remote, Inner: inner, Peer: peer,
		ConfInner: inner, ConfPeer: peer, UpdateHost: heHost, Root: true,
		Hostname: Hostname{Path: "/etc/hostname.gif0", Mode: 0o640, Source: egress, Dest: remote, Inner: inner, Peer: peer, Route: true},
		Kernel: Kernel{
			Egress: bsd.Link{Up: true, MTU: 1500, Addrs: []netip.Addr{egress, netip.MustParseAddr("fe80::1")}},
			Gif:    bsd.Link{Up: true, MTU: 1480, Addrs: []netip.Addr{inner}},
			Source: egress, Dest: remote, Route: true,
		},
		PF: PF{Conf: "/etc/pf.conf", Enabled: true},
		Broker: &broker.State{Tunnel: "gif0", Address: egress, Code: "nochg", Answer: "nochg 192.0.2.10",
			When: now.Add(-time.Hour), Accepted: now.Add(-time.Hour)},
		Peer6:    Probe{Targets: []netip.Addr{peer}},
		Targets6: Probe{Targets: []netip.Addr{target}},
		Remote4:  Probe{Targets: []netip.Addr{remote}},
	}
}

func TestHealthy(t *testing.T) {
	fs := Judge(healthy(), now)
	for _, f := range fs {
		want := OK
		if f.ID == "pf.rules" {
			want = Skip // nothing can check it
		}
		if f.Level != want {
			t.Errorf("%s: %s %q, want %s", f.ID, f.Level, f.Message, want)
		}
	}
	if Failed(fs) {
		t.Error("Failed on a healthy router")
	}
}

// renumber gives the router another egress address, everywhere.
func renumber(f *Facts, addr string) {
	a := netip.MustParseAddr(addr)
	f.Kernel.Egress.Addrs = []netip.Addr{a}
	f.Kernel.Source, f.Hostname.Source, f.Broker.Address = a, a, a
}

var noReply = fmt.Errorf("%w from 2001:db8:1::1 in 1s", probe.ErrNoReply)

// Each case breaks the healthy router one way; the finding must name it at
// that level, with a fix that says what to do.
func TestBroken(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(f *Facts)
		id     string
		level  Level
		fix    string // a part of the fix
	}{
		{"stale source in hostname", func(f *Facts) { f.Kernel.Egress.Addrs = []netip.Addr{netip.MustParseAddr("192.0.2.99")} },
			"hostname.tunnel", Fail, "gifctl restart gif0"},
		{"stale source in the kernel", func(f *Facts) { f.Kernel.Egress.Addrs = []netip.Addr{netip.MustParseAddr("192.0.2.99")} },
			"gif.endpoints", Fail, "gifctl restart gif0"},
		{"stale source at the broker", func(f *Facts) { f.Kernel.Egress.Addrs = []netip.Addr{netip.MustParseAddr("192.0.2.99")} },
			"broker.address", Fail, "gifctl update gif0"},
		{"wrong destination", func(f *Facts) { f.Kernel.Dest = netip.MustParseAddr("198.51.100.2") }, "gif.endpoints", Fail, "restart"},
		{"no tunnel endpoints", func(f *Facts) { f.Kernel.EndpointsErr = bsd.ErrNoTunnel }, "gif.endpoints", Fail, "restart"},
		{"PPPoE", func(f *Facts) { f.Kernel.Egress.MTU = 1492 }, "gif.mtu", Fail, `"mtu 1472" to /etc/hostname.gif0`},
		{"no default route", func(f *Facts) { f.Hostname.Route, f.Kernel.Route = false, false },
			"route.default", Fail, "!route -qn add -inet6 default 2001:db8:1::1"},
		{"default route not at boot", func(f *Facts) { f.Hostname.Route = false }, "route.default", Warn, "!route"},
		{"abuse", func(f *Facts) {
			f.Broker.Code, f.Broker.Answer, f.Broker.BackoffUntil = "abuse", "abuse", now.Add(10*time.Minute)
		}, "broker.answer", Fail, "wait"},
		{"abuse back-off", func(f *Facts) {
			f.Broker.Code, f.Broker.Answer, f.Broker.BackoffUntil = "abuse", "abuse", now.Add(10*time.Minute)
		}, "broker.backoff", Fail, "tries again"},
		{"badauth", func(f *Facts) { f.Broker.Code, f.Broker.Answer = "badauth", "badauth" }, "broker.answer", Fail, "Update Key"},
		{"unknown answer", func(f *Facts) { f.Broker.Code, f.Broker.Answer = "911", "911" }, "broker.answer", Fail, "gifctl(8)"},
		{"no answer", func(f *Facts) { f.Broker.Code, f.Broker.Answer = "", "timed out" }, "broker.answer", Warn, "gifctl update gif0"},
		{"broker state unreadable", func(f *Facts) { f.BrokerErr = fs.ErrPermission }, "broker.answer", Skip, "root"},
		{"never updated", func(f *Facts) { *f.Broker = broker.State{Tunnel: "gif0"} }, "broker.address", Warn, "gifctl update gif0"},
		{"loose mode", func(f *Facts) { f.Hostname.Mode = 0o644 }, "hostname.perms", Fail, "chmod 640 /etc/hostname.gif0"},
		{"group writable", func(f *Facts) { f.Hostname.Mode = 0o660 }, "hostname.perms", Fail, "chmod 640"},
		{"not root's", func(f *Facts) { f.Hostname.UID = 1000 }, "hostname.perms", Fail, "chown root:wheel /etc/hostname.gif0"},
		{"no hostname.gif0", func(f *Facts) { f.Hostname = Hostname{Path: "/etc/hostname.gif0", Err: fs.ErrNotExist} }, "hostname.file", Fail, "gifctl restart gif0"},
		{"hostname.gif0 unreadable", func(f *Facts) { f.Hostname.Err = fs.ErrPermission }, "hostname.file", Skip, "root"},
		{"no tunnel line", func(f *Facts) { f.Hostname.Source, f.Hostname.Dest = netip.Addr{}, netip.Addr{} }, "hostname.tunnel", Fail, "restart"},
		{"no inner address", func(f *Facts) { f.Hostname.Inner, f.Hostname.Peer = netip.Addr{}, netip.Addr{} },
			"hostname.inet6", Fail, `"inet6 2001:db8:1::2 128" and "dest 2001:db8:1::1"`},
		{"inner address disagrees", func(f *Facts) { f.Hostname.Inner = netip.MustParseAddr("2001:db8:1::3") }, "hostname.inet6", Fail, "agree"},
		{"CR LF", func(f *Facts) { f.Hostname.CRLF = []int{2, 3} }, "hostname.crlf", Fail, "perl -pi"},
		{"netstart reads it otherwise", func(f *Facts) { f.Hostname.Differs = []string{"line 4 has no newline"} }, "hostname.netstart", Fail, "hostname.if(5)"},
		{"no gif", func(f *Facts) { f.Kernel.GifErr = fmt.Errorf("gif0: %w", bsd.ErrNoInterface) }, "gif.link", Fail, "sh /etc/netstart gif0"},
		{"gif down", func(f *Facts) { f.Kernel.Gif.Up = false }, "gif.link", Fail, "ifconfig gif0 up"},
		{"no inner address in the kernel", func(f *Facts) { f.Kernel.Gif.Addrs = nil }, "gif.inet6", Fail, "netstart gif0"},
		{"no egress address", func(f *Facts) { f.Kernel.Egress.Addrs = nil }, "egress.addr", Fail, "DHCP"},
		{"CGNAT", func(f *Facts) { renumber(f, "100.64.1.2") }, "egress.addr", Warn, "public IPv4"},
		{"behind NAT", func(f *Facts) { renumber(f, "192.168.1.2") }, "egress.addr", Warn, "protocol 41"},
		{"no update-url", func(f *Facts) { f.UpdateHost, f.Broker = "", nil }, "config.update-url", Warn, "Example Update URL"},
		{"HE's dual-stack name", func(f *Facts) { f.UpdateHost = "tunnelbroker.net" }, "config.update-url", Warn, heHost},
		{"pf.conf does not parse", func(f *Facts) { f.PF.ConfErr = errors.New("/sbin/pfctl -n -f /etc/pf.conf: exited 1: syntax error") },
			"pf.conf", Fail, "pfctl -n -f /etc/pf.conf"},
		{"pf.conf unreadable", func(f *Facts) { f.Root, f.PF.ConfErr = false, errors.New("exited 1") }, "pf.conf", Skip, "root"},
		{"pf disabled", func(f *Facts) { f.PF.Enabled = false }, "pf.enabled", Warn, "pfctl -e"},
		{"pf status unknown", func(f *Facts) { f.Root, f.PF.InfoErr = false, errors.New("/dev/pf: permission denied") }, "pf.enabled", Skip, "root"},
		{"pf status unknown to root", func(f *Facts) { f.PF.InfoErr = errors.New("no Status line") }, "pf.enabled", Warn, ""},
		{"tunnel carries nothing", func(f *Facts) { f.Peer6.Err = noReply }, "reach.peer", Fail, "protocol 41 from 198.51.100.1"},
		{"nothing beyond the peer", func(f *Facts) { f.Targets6.Err = noReply }, "reach.ipv6", Fail, "default route"},
		{"remote silent", func(f *Facts) { f.Remote4.Err = noReply }, "reach.remote", Warn, "traceroute 198.51.100.1"},
		{"not root", func(f *Facts) { f.Peer6.Skipped = "raw sockets need root" }, "reach.peer", Skip, ""},
		{"no check ipv6 block", func(f *Facts) { f.Targets6 = Probe{Skipped: "gifctl.conf has no check ipv6 block"} }, "reach.ipv6", Skip, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := healthy()
			tc.break_(f)
			fs := Judge(f, now)
			for _, got := range fs {
				if got.ID != tc.id {
					continue
				}
				if got.Level != tc.level || !strings.Contains(got.Fix, tc.fix) || got.Tunnel != "gif0" {
					t.Fatalf("%s: %s %q, fix %q; want %s with a fix containing %q", got.ID, got.Level, got.Message, got.Fix, tc.level, tc.fix)
				}
				if Failed(fs) != (tc.level == Fail) {
					t.Errorf("Failed = %v with a %s finding", Failed(fs), tc.level)
				}
				return
			}
			t.Fatalf("no %s finding in %v", tc.id, fs)
		})
	}
}

// Without a check ipv6 block the reason is said, also when the peer does
// not answer, and no empty list of targets is printed.
func TestNoCheckIPv6Block(t *testing.T) {
	f := healthy()
	f.Peer6.Err, f.Targets6 = noReply, Probe{Skipped: "gifctl.conf has no check ipv6 block"}
	for _, got := range Judge(f, now) {
		if got.ID == "reach.ipv6" {
			if want := "echo to the check ipv6 targets from 2001:db8:1::2: not sent: gifctl.conf has no check ipv6 block"; got.Message != want {
				t.Errorf("reach.ipv6: %q, want %q", got.Message, want)
			}
			return
		}
	}
	t.Error("no reach.ipv6 finding")
}

// When the peer does not answer, nothing beyond it can: one failure, not two.
func TestDeadTunnelFailsOnce(t *testing.T) {
	f := healthy()
	f.Peer6.Err, f.Targets6.Err = noReply, noReply
	var failed []string
	for _, x := range Judge(f, now) {
		if x.Level == Fail {
			failed = append(failed, x.ID)
		}
	}
	if len(failed) != 1 || failed[0] != "reach.peer" {
		t.Errorf("failed: %v, want reach.peer alone", failed)
	}
}

func TestWrite(t *testing.T) {
	var b strings.Builder
	Write(&b, []Finding{
		Config("/etc/gifctl.conf"),
		{ID: "gif.mtu", Tunnel: "gif0", Level: Fail, Message: "too big", Fix: "smaller"},
		{ID: "gif.link", Tunnel: "gif0", Level: OK, Message: "up", Fix: "never shown"},
		{ID: "gif.link", Tunnel: "gif1", Level: Warn, Message: "hmm"},
	})
	want := `configuration
  ok    config             /etc/gifctl.conf parses; others may neither read nor change it
gif0
  FAIL  gif.mtu            too big
                           fix: smaller
  ok    gif.link           up
gif1
  WARN  gif.link           hmm
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
