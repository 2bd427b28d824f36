package hostnameif

import (
	"regexp"
	"testing"

	"github.com/gifctl/gifctl/internal/exhaust"
	"github.com/google/go-cmp/cmp"
)

func TestCommands(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		ifname string
		want   []Command
	}{
		{
			name:   "he file",
			in:     heFile,
			ifname: "gif0",
			want: []Command{
				{Line: 2, Ifconfig: []string{"description", "HE Frankfurt"}, Eval: `ifconfig gif0 description "HE Frankfurt"`},
				{Line: 3, Ifconfig: []string{"tunnel", "192.0.2.10", "216.66.80.26"}, Eval: "ifconfig gif0 tunnel 192.0.2.10 216.66.80.26 # server IPv4"},
				{Line: 4, Ifconfig: []string{"inet6", "alias", "2001:db8:1::2", "2001:db8:1::1", "prefixlen", "128"},
					Eval: "ifconfig gif0 inet6 alias 2001:db8:1::2 2001:db8:1::1 prefixlen 128"},
				{Line: 6, Ifconfig: []string{"mtu", "1480"}, Eval: "ifconfig gif0 mtu 1480"},
				{Line: 7, Ifconfig: []string{"up"}, Eval: "ifconfig gif0 up"},
				{Line: 8, Eval: "route -qn add -inet6 default 2001:db8:1::1"},
			},
		},
		{
			name:   "dest spliced into inet6 without alias",
			in:     "inet6 2001:db8::2 128\ndest 2001:db8::1\n",
			ifname: "gif0",
			want: []Command{{Line: 1, Ifconfig: []string{"inet6", "2001:db8::2", "2001:db8::1", "prefixlen", "128"},
				Eval: "ifconfig gif0 inet6 2001:db8::2 2001:db8::1 prefixlen 128"}},
		},
		{
			name:   "dest spliced into inet with netmask",
			in:     "inet 10.0.0.1 255.255.255.252\ndest 10.0.0.2\n",
			ifname: "gif1",
			want: []Command{{Line: 1, Ifconfig: []string{"inet", "10.0.0.1", "10.0.0.2", "netmask", "255.255.255.252"},
				Eval: "ifconfig gif1 inet 10.0.0.1 10.0.0.2 netmask 255.255.255.252"}},
		},
		{
			name:   "dest follows whatever command came before",
			in:     "up\n# x\ndest 10.0.0.2\n",
			ifname: "gif0",
			want:   []Command{{Line: 1, Ifconfig: []string{"up", "10.0.0.2"}, Eval: "ifconfig gif0 up  10.0.0.2"}},
		},
		{
			name:   "dest first, with two arguments, or alone: skipped",
			in:     "dest 10.0.0.2\ninet6 2001:db8::2 128\ndest 2001:db8::1 # peer\ndest\n",
			ifname: "gif0",
			want: []Command{{Line: 2, Ifconfig: []string{"inet6", "2001:db8::2", "prefixlen", "128"},
				Eval: "ifconfig gif0 inet6 2001:db8::2 prefixlen 128"}},
		},
		{
			name:   "inet alias with broadcast, NONE, lone inet",
			in:     "inet alias 10.0.0.1 255.0.0.0 10.255.255.255\ninet 10.1.0.1 255.0.0.0 NONE\ninet\ninet6\n",
			ifname: "em0",
			want: []Command{
				{Line: 1, Ifconfig: []string{"inet", "alias", "10.0.0.1", "netmask", "255.0.0.0", "broadcast", "10.255.255.255"},
					Eval: "ifconfig em0 inet alias 10.0.0.1 netmask 255.0.0.0 broadcast 10.255.255.255"},
				{Line: 2, Ifconfig: []string{"inet", "10.1.0.1", "netmask", "255.0.0.0"},
					Eval: "ifconfig em0 inet 10.1.0.1 netmask 255.0.0.0 "},
			},
		},
		{
			name:   "dhcp and autoconf",
			in:     "dhcp NONE NONE\ninet6 autoconf -temporary\ninet autoconf\n",
			ifname: "em0",
			want: []Command{
				{Line: 1, Ifconfig: []string{"inet", "autoconf"}, Eval: "ifconfig em0 inet autoconf"},
				{Line: 2, Ifconfig: []string{"inet6", "autoconf", "-temporary"}, Eval: "ifconfig em0 inet6 autoconf -temporary"},
				{Line: 3, Ifconfig: []string{"inet", "autoconf"}, Eval: "ifconfig em0 inet autoconf"},
			},
		},
		{
			name:   "$if substitution in ! lines only",
			in:     "!echo $if $iface ${if}\ndescription $if\n",
			ifname: "gif0",
			want: []Command{
				{Line: 1, Eval: "echo gif0 gif0ace ${if}"},
				{Line: 2, Eval: "ifconfig gif0 description $if"},
			},
		},
		{
			name:   "print escapes in ! lines",
			in:     "!printf %s\\\\tx\\\\c\n! echo   a\n",
			ifname: "gif0",
			want: []Command{
				{Line: 1, Eval: "printf %s\tx"},
				{Line: 2, Eval: " echo a"},
			},
		},
		{
			name:   "unknown lines go to ifconfig",
			in:     "rtsol\nfoo bar\n",
			ifname: "gif0",
			want: []Command{
				{Line: 1, Ifconfig: []string{"rtsol"}, Eval: "ifconfig gif0 rtsol"},
				{Line: 2, Ifconfig: []string{"foo", "bar"}, Eval: "ifconfig gif0 foo bar"},
			},
		},
		{
			name:   "shell syntax in an ifconfig line",
			in:     "description a;reboot\ndescription *\n",
			ifname: "gif0",
			want: []Command{
				{Line: 1, Eval: "ifconfig gif0 description a;reboot"},
				{Line: 2, Eval: "ifconfig gif0 description *"},
			},
		},
		{
			name:   "crlf and unread last line",
			in:     "up\r\ndown",
			ifname: "gif0",
			want:   []Command{{Line: 1, Ifconfig: []string{"up\r"}, Eval: "ifconfig gif0 up\r"}},
		},
		{
			name:   "bad interface name",
			in:     "up\n",
			ifname: "gif0.tmp",
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse([]byte(tt.in)).Commands(tt.ifname)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Commands(%q) (-want +got):\n%s", tt.ifname, diff)
			}
		})
	}
}

func TestSimpleArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`a "b  c" 'd e' f\ g`, []string{"a", "b  c", "d e", "f g"}, true},
		{`a "" b`, []string{"a", "", "b"}, true},
		{`a # b`, []string{"a"}, true},
		{`a#b`, []string{"a#b"}, true},
		{`"a \"b\" \x"`, []string{`a "b" \x`}, true},
		{`a $b`, nil, false},
		{`a "$b"`, nil, false},
		{`a '$b'`, []string{"a", "$b"}, true},
		{`a "b`, nil, false},
		{`a 'b`, nil, false},
		{"a `b`", nil, false},
		{`a {b,c}`, nil, false},
		{`a ~`, nil, false},
		{`a b~`, []string{"a", "b~"}, true},
		{`a > b`, nil, false},
		{`a\`, nil, false},
	}
	for _, tt := range tests {
		got, ok := simpleArgs(tt.in)
		if ok != tt.ok || !cmp.Equal(got, tt.want) {
			t.Errorf("simpleArgs(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// ValidIfname replaced the regexp below, netstart's pattern in ERE; it
// must agree with it on every short string made of the bytes that matter.
func TestValidIfnameAgreesWithRegexp(t *testing.T) {
	want := regexp.MustCompile(`^[A-Za-z]+[0-9]+$`)
	exhaust.Strings(exhaust.Bytes("azAZ09/ .-\x00\xff"), 4, func(s string) {
		if got := ValidIfname(s); got != want.MatchString(s) {
			t.Errorf("ValidIfname(%q) = %v, want %v", s, got, !got)
		}
	})
}
