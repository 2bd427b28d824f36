package hostnameif

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// heFile is a hostname.gif0 as people write it for Hurricane Electric.
const heFile = `# HE tunnelbroker, tunnel 123456
description "HE  Frankfurt"
tunnel 192.0.2.10 216.66.80.26   # server IPv4
inet6 alias 2001:db8:1::2 128
dest 2001:db8:1::1
mtu 1480
up
!route -qn add -inet6 default 2001:db8:1::1
`

func TestParseBytesRoundTrip(t *testing.T) {
	for name, in := range map[string]string{
		"empty":           "",
		"he":              heFile,
		"crlf":            "tunnel 192.0.2.10 216.66.80.26\r\nup\r\n",
		"no final nl":     "tunnel 192.0.2.10 216.66.80.26\nup",
		"nul":             "tun\x00nel 1.2.3.4 5.6.7.8\n\x00",
		"invalid utf8":    "description \xff\xfe\n",
		"only newlines":   "\n\n\n",
		"continuation":    "tunnel 1.2.3.4 \\\n5.6.7.8\n",
		"trailing escape": "up\\",
	} {
		t.Run(name, func(t *testing.T) {
			got := Parse([]byte(in)).Bytes()
			if !bytes.Equal(got, []byte(in)) {
				t.Errorf("Bytes() = %q, want %q", got, in)
			}
		})
	}
}

// TestParseReadsLikeNetstart checks the token view against what ksh's
// `IFS= read` and the unquoted expansion in netstart produce.
func TestParseReadsLikeNetstart(t *testing.T) {
	type view struct {
		Num        int
		Terminated bool
		Words      []string
	}
	tests := []struct {
		name string
		in   string
		want []view
	}{
		{"words split at blanks, quotes kept", "description \"a  b\"\t up\n",
			[]view{{1, true, []string{"description", `"a`, `b"`, "up"}}}},
		{"leading blanks dropped", "   \t!true\n", []view{{1, true, []string{"!true"}}}},
		{"backslash escapes and is dropped", `a\b\\c\ d` + "\n",
			[]view{{1, true, []string{`ab\c`, "d"}}}},
		{"backslash newline joins lines", "tunnel 1.2.3.4 \\\n5.6.7.8\nup\n",
			[]view{{1, true, []string{"tunnel", "1.2.3.4", "5.6.7.8"}}, {3, true, []string{"up"}}}},
		{"NUL dropped", "u\x00p\n", []view{{1, true, []string{"up"}}}},
		{"CR is part of the last word", "up\r\n", []view{{1, true, []string{"up\r"}}}},
		{"last line without newline is not read", "up\ndown", []view{
			{1, true, []string{"up"}}, {2, false, []string{"down"}}}},
		{"blank lines", "\n\nup\n", []view{{1, true, nil}, {2, true, nil}, {3, true, []string{"up"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			var got []view
			for _, l := range f.lines {
				got = append(got, view{l.num, l.terminated, l.words})
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTunnel(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		name     string
		in       string
		src, dst netip.Addr
		ok       bool
	}{
		{"he", heFile, a("192.0.2.10"), a("216.66.80.26"), true},
		{"none", "up\n", netip.Addr{}, netip.Addr{}, false},
		{"last wins", "tunnel 1.1.1.1 2.2.2.2\nup\ntunnel 3.3.3.3 4.4.4.4\n", a("3.3.3.3"), a("4.4.4.4"), true},
		{"last is broken", "tunnel 1.1.1.1 2.2.2.2\ntunnel 3.3.3.3\n", netip.Addr{}, netip.Addr{}, false},
		{"comment after", "tunnel 1.1.1.1 # no destination\n", netip.Addr{}, netip.Addr{}, false},
		{"quoted", "tunnel \"1.1.1.1\" '2.2.2.2'\n", a("1.1.1.1"), a("2.2.2.2"), true},
		{"crlf: netstart passes 2.2.2.2\\r", "tunnel 1.1.1.1 2.2.2.2\r\n", netip.Addr{}, netip.Addr{}, false},
		{"unread last line", "tunnel 1.1.1.1 2.2.2.2\ntunnel 3.3.3.3 4.4.4.4", a("1.1.1.1"), a("2.2.2.2"), true},
		{"commented out", "#tunnel 1.1.1.1 2.2.2.2\n", netip.Addr{}, netip.Addr{}, false},
		{"in a ! line", "!ifconfig $if tunnel 1.1.1.1 2.2.2.2\n", a("1.1.1.1"), a("2.2.2.2"), true},
		{"! line by name", "tunnel 1.1.1.1 2.2.2.2\n!/sbin/ifconfig gif0 tunnel 3.3.3.3 4.4.4.4 # new\n", a("3.3.3.3"), a("4.4.4.4"), true},
		{"! line for another interface", "tunnel 1.1.1.1 2.2.2.2\n!ifconfig gif1 tunnel 3.3.3.3 4.4.4.4\n", a("1.1.1.1"), a("2.2.2.2"), true},
		{"! line needing the shell", "tunnel 1.1.1.1 2.2.2.2\n!ifconfig $if tunnel $SRC 4.4.4.4\n", netip.Addr{}, netip.Addr{}, false},
		{"shell syntax", "tunnel 1.1.1.1 2.2.2.2; up\n", netip.Addr{}, netip.Addr{}, false},
		{"quoted keyword", "\"tunnel\" 1.1.1.1 2.2.2.2\n", a("1.1.1.1"), a("2.2.2.2"), true},
		{"dest folded in", "tunnel 1.1.1.1 2.2.2.2\ndest 3.3.3.3\n", a("1.1.1.1"), a("3.3.3.3"), true},
		{"deleted after", "tunnel 1.1.1.1 2.2.2.2\ndeletetunnel\n", netip.Addr{}, netip.Addr{}, false},
		{"continued", "tunnel 1.1.1.1\\\n 2.2.2.2\n", a("1.1.1.1"), a("2.2.2.2"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, dst, ok := Parse([]byte(tt.in)).Tunnel("gif0")
			type res struct {
				Src, Dst netip.Addr
				OK       bool
			}
			if diff := cmp.Diff(res{tt.src, tt.dst, tt.ok}, res{src, dst, ok}, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
				t.Errorf("Tunnel() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInet6(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		name       string
		in         string
		addr, peer netip.Addr
		ok         bool
	}{
		{"he", heFile, a("2001:db8:1::2"), a("2001:db8:1::1"), true},
		{"no alias", "inet6 2001:db8::2 128\ndest 2001:db8::1\n", a("2001:db8::2"), a("2001:db8::1"), true},
		{"cidr", "inet6 2001:db8::2/128\ndest 2001:db8::1\n", a("2001:db8::2"), a("2001:db8::1"), true},
		{"comment between", "inet6 2001:db8::2 128\n# peer\n\ndest 2001:db8::1\n", a("2001:db8::2"), a("2001:db8::1"), true},
		{"no dest: no peer", "inet6 2001:db8::2 64\n", a("2001:db8::2"), netip.Addr{}, true},
		{"command between: dest goes to it", "inet6 2001:db8::2 128\nup\ndest 2001:db8::1\n", a("2001:db8::2"), netip.Addr{}, true},
		{"dest with comment is ignored by netstart", "inet6 2001:db8::2 128\ndest 2001:db8::1 # peer\n", a("2001:db8::2"), netip.Addr{}, true},
		{"autoconf", "inet6 autoconf\ndest 2001:db8::1\n", netip.Addr{}, netip.Addr{}, false},
		{"first address", "inet6 2001:db8::2 128\ndest 2001:db8::1\ninet6 2001:db8:9::2 128\ndest 2001:db8:9::1\n", a("2001:db8::2"), a("2001:db8::1"), true},
		{"ipv4 peer: ifconfig refuses", "inet6 2001:db8::2 128\ndest 192.0.2.1\n", netip.Addr{}, netip.Addr{}, false},
		{"dest not read", "inet6 2001:db8::2 128\ndest 2001:db8::1", a("2001:db8::2"), netip.Addr{}, true},
		{"crlf: netstart passes prefixlen 128\\r", "inet6 alias 2001:db8::2 128\r\ndest 2001:db8::1\r\n", netip.Addr{}, netip.Addr{}, false},
		{"! alias line", "!ifconfig gif0 inet6 alias 2001:db8::2 2001:db8::1 prefixlen 128\n", a("2001:db8::2"), a("2001:db8::1"), true},
		{"! $if line", "!ifconfig $if inet6 2001:db8::2 2001:db8::1 prefixlen 128\n", a("2001:db8::2"), a("2001:db8::1"), true},
		{"! line for another interface", "!ifconfig gif1 inet6 2001:db8::2 2001:db8::1 prefixlen 128\n", netip.Addr{}, netip.Addr{}, false},
		{"plain alias line: netstart mangles it", "inet6 alias 2001:db8::2 2001:db8::1 prefixlen 128\n", netip.Addr{}, netip.Addr{}, false},
		{"plain prefixlen line: netstart mangles it", "inet6 2001:db8::2 prefixlen 128\ndest 2001:db8::1\n", netip.Addr{}, netip.Addr{}, false},
		{"mangled, then a good one", "inet6 2001:db8::2 prefixlen 128\ninet6 2001:db8::3 64\n", a("2001:db8::3"), netip.Addr{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, peer, ok := Parse([]byte(tt.in)).Inet6("gif0")
			if addr != tt.addr || peer != tt.peer || ok != tt.ok {
				t.Errorf("Inet6() = %v, %v, %v; want %v, %v, %v", addr, peer, ok, tt.addr, tt.peer, tt.ok)
			}
		})
	}
}
