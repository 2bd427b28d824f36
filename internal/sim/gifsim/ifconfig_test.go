package gifsim

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/internal/sim/ugif"
	"github.com/google/go-cmp/cmp"
)

func TestFormatIf(t *testing.T) {
	gif := ifInfo{
		Name: "gif0", Index: 5, MTU: 1280, LinkType: "none",
		Flags: []string{"POINTOPOINT", "MULTICAST", "NOARP", "UP", "LOWER_UP"},
		Gif: &ugif.Status{Name: "gif0", Endpoints: ugif.Endpoints{
			Local: netip.MustParseAddr("198.18.1.2"), Remote: netip.MustParseAddr("198.19.0.2")}},
		Egress: true,
		Addrs: []ifAddr{
			{Prefix: netip.MustParsePrefix("fe80::1/64")},
			{Prefix: netip.MustParsePrefix("2001:db8:1::2/128"), Peer: netip.MustParseAddr("2001:db8:1::1")},
		},
	}
	em0 := newFakeHost().ifs["em0"]
	em0.Addrs = append(em0.Addrs, ifAddr{Prefix: netip.MustParsePrefix("fe80::c7e:10ff:feed:faab/64")})
	down := ifInfo{Name: "gif1", Index: 6, MTU: 1280, LinkType: "none",
		Flags: []string{"POINTOPOINT", "MULTICAST", "NOARP"}, Gif: &ugif.Status{Name: "gif1"}}

	tests := []struct {
		info ifInfo
		want string
	}{
		{gif, `gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280
	index 5 priority 0 llprio 3
	groups: gif egress
	tunnel: inet 198.18.1.2 --> 198.19.0.2 ttl 64 nodf ecn
	inet6 fe80::1%gif0 -->  prefixlen 64 scopeid 0x5
	inet6 2001:db8:1::2 --> 2001:db8:1::1 prefixlen 128
`},
		{*em0, `em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500
	lladdr 0e:7e:10:ed:fa:ab
	index 2 priority 0 llprio 3
	groups: egress
	media: Ethernet autoselect (1000baseT full-duplex)
	status: active
	inet 198.18.1.2 netmask 0xffffff00 broadcast 198.18.1.255
	inet6 fe80::c7e:10ff:feed:faab%em0 prefixlen 64 scopeid 0x2
`},
		{down, `gif1: flags=8010<POINTOPOINT,MULTICAST> mtu 1280
	index 6 priority 0 llprio 3
	groups: gif
	tunnel: (unset) ttl 64 nodf ecn
`},
	}
	for _, tt := range tests {
		var b strings.Builder
		formatIf(&b, tt.info)
		if diff := cmp.Diff(tt.want, b.String()); diff != "" {
			t.Errorf("formatIf(%s) (-want +got):\n%s", tt.info.Name, diff)
		}
	}
}

func TestIfconfigCommands(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		calls  []string
		stderr string
	}{
		{"show missing", []string{"gif0"}, 1, nil, "gif0: no such interface\n"},
		{"create", []string{"gif0", "create"}, 0, []string{"create gif0"}, ""},
		{"configuring creates a gif", []string{"gif0", "tunnel", "198.18.1.2", "198.19.0.2"}, 0,
			[]string{"create gif0", "tunnel gif0 inet 198.18.1.2 --> 198.19.0.2"}, ""},
		{"not a gif", []string{"em7", "up"}, 1, nil, "ifconfig: em7: SIOCGIFFLAGS: Device not configured\n"},
		{"create twice", []string{"em0", "create"}, 1, nil, "ifconfig: em0: SIOCIFCREATE: File exists\n"},
		{"inet6 with dest, as netstart splices it", []string{"em0", "inet6", "2001:db8:1::2", "2001:db8:1::1", "prefixlen", "128"}, 0,
			[]string{"up em0 true", "inet6 em0 2001:db8:1::2/128 peer 2001:db8:1::1"}, ""},
		{"inet6 with dest, default prefixlen", []string{"em0", "inet6", "2001:db8:1::2", "2001:db8:1::1"}, 0,
			[]string{"up em0 true", "inet6 em0 2001:db8:1::2/128 peer 2001:db8:1::1"}, ""},
		{"inet with netmask", []string{"em0", "inet", "198.18.1.9", "netmask", "0xffffff00"}, 0,
			[]string{"up em0 true", "inet em0 198.18.1.9/24 peer invalid IP"}, ""},
		{"mtu and up in one line", []string{"em0", "mtu", "1480", "up"}, 0, []string{"mtu em0 1480", "up em0 true"}, ""},
		{"bad mtu is a warning", []string{"em0", "mtu", "100", "up"}, 0,
			[]string{"mtu em0 100", "up em0 true"}, "ifconfig: SIOCSIFMTU: invalid argument\n"},
		{"tunnel on em0 is a warning", []string{"em0", "tunnel", "198.18.1.2", "198.19.0.2"}, 0,
			[]string{"tunnel em0 inet 198.18.1.2 --> 198.19.0.2"}, "ifconfig: SIOCSLIFPHYADDR: inappropriate ioctl for device\n"},
		{"bad tunnel address", []string{"em0", "tunnel", "em0", "198.19.0.2"}, 1, nil,
			"ifconfig: error in parsing address string: tunnel source \"em0\": not an IP address\n"},
		{"unknown word", []string{"em0", "-frob"}, 1, nil, "ifconfig: -frob: not simulated by the gifsim stand-in\n"},
		{"bad address", []string{"em0", "inet6", "nonsense"}, 1, nil, "ifconfig: nonsense: bad value\n"},
		{"description", []string{"em0", "description", "uplink to ISP"}, 0, []string{`descr em0 "uplink to ISP"`}, ""},
		{"inet autoconf, as netstart runs dhcp", []string{"em0", "inet", "autoconf"}, 0, []string{"autoconf em0"}, ""},
		{"inet6 autoconf", []string{"em0", "inet6", "autoconf"}, 1, nil, "ifconfig: inet6 autoconf: not simulated by the gifsim stand-in\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newFakeHost()
			var stdout, stderr strings.Builder
			status := ifconfig(h, tt.args, &stdout, &stderr)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if diff := cmp.Diff(tt.calls, h.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.stderr, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIfconfigShowsWhatItSet(t *testing.T) {
	h := newFakeHost()
	var out, errs strings.Builder
	for _, args := range [][]string{
		{"gif0", "create"},
		{"gif0", "tunnel", "198.18.1.2", "198.19.0.2"},
		{"gif0", "inet6", "2001:db8:1::2", "2001:db8:1::1", "prefixlen", "128"},
	} {
		if st := ifconfig(h, args, &out, &errs); st != 0 {
			t.Fatalf("ifconfig %v: status %d: %s", args, st, errs.String())
		}
	}
	if st := ifconfig(h, []string{"gif0"}, &out, &errs); st != 0 {
		t.Fatal(errs.String())
	}
	want := `gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280
	index 5 priority 0 llprio 3
	groups: gif
	tunnel: inet 198.18.1.2 --> 198.19.0.2 ttl 64 nodf ecn
	inet6 2001:db8:1::2 --> 2001:db8:1::1 prefixlen 128
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("ifconfig gif0 (-want +got):\n%s", diff)
	}
}

func TestMaskBits(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"255.255.255.0", 24, true}, {"0xffffff00", 24, true}, {"0xffffffff", 32, true},
		{"0x0", 0, true}, {"255.0.255.0", 0, false}, {"banana", 0, false},
	}
	for _, tt := range tests {
		got, err := maskBits(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("maskBits(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
