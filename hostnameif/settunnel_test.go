package hostnameif

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetTunnel(t *testing.T) {
	src := netip.MustParseAddr("198.51.100.7")
	remote := netip.MustParseAddr("216.66.84.46")
	none := netip.Addr{}
	tests := []struct {
		name     string
		in       string
		dst      netip.Addr
		want     string
		warnings []string
	}{
		{
			name: "one line, keep destination",
			in:   "tunnel 192.0.2.10 216.66.80.26\n",
			dst:  none,
			want: "tunnel 198.51.100.7 216.66.80.26\n",
		},
		{
			name: "same destination given",
			in:   "tunnel 192.0.2.10 216.66.80.26\n",
			dst:  netip.MustParseAddr("216.66.80.26"),
			want: "tunnel 198.51.100.7 216.66.80.26\n",
		},
		{
			name: "destination change",
			in:   "tunnel 192.0.2.10 216.66.80.26\n",
			dst:  remote,
			want: "tunnel 198.51.100.7 216.66.84.46\n",
		},
		{
			name: "rest of the line and other lines kept",
			in:   heFile,
			dst:  none,
			want: strings.Replace(heFile, "tunnel 192.0.2.10 216.66.80.26   # server IPv4",
				"tunnel 198.51.100.7 216.66.80.26   # server IPv4", 1),
		},
		{
			name: "blanks around words kept",
			in:   "\t tunnel\t192.0.2.10  216.66.80.26 \t\n",
			dst:  remote,
			want: "\t tunnel\t198.51.100.7  216.66.84.46 \t\n",
		},
		{
			name: "nothing to change",
			in:   "tunnel 198.51.100.7 216.66.80.26\n",
			dst:  none,
			want: "tunnel 198.51.100.7 216.66.80.26\n",
		},
		{
			name:     "several lines: the last is changed",
			in:       "tunnel 10.0.0.1 216.66.80.26\nup\n# old\ntunnel 10.0.0.2 216.66.80.26\n!route -qn add -inet6 default 2001:db8::1\n",
			dst:      none,
			want:     "tunnel 10.0.0.1 216.66.80.26\nup\n# old\ntunnel 198.51.100.7 216.66.80.26\n!route -qn add -inet6 default 2001:db8::1\n",
			warnings: []string{"2 tunnel lines; changed the last (line 4)"},
		},
		{
			name: "none: inserted after leading comments",
			in:   "# HE\n\n# tunnel 123\ninet6 alias 2001:db8::2 128\ndest 2001:db8::1\n",
			dst:  remote,
			want: "# HE\n\n# tunnel 123\ntunnel 198.51.100.7 216.66.84.46\ninet6 alias 2001:db8::2 128\ndest 2001:db8::1\n",
		},
		{
			name: "none: before a ! line",
			in:   "!ifconfig $if destroy\nup\n",
			dst:  remote,
			want: "tunnel 198.51.100.7 216.66.84.46\n!ifconfig $if destroy\nup\n",
		},
		{
			name: "none: empty file",
			in:   "",
			dst:  remote,
			want: "tunnel 198.51.100.7 216.66.84.46\n",
		},
		{
			name: "none: only comments, no final newline",
			in:   "# nothing yet",
			dst:  remote,
			want: "tunnel 198.51.100.7 216.66.84.46\n# nothing yet",
		},
		{
			name:     "none: a comment continued by a backslash swallows the next line",
			in:       "# a \\\nup\n",
			dst:      remote,
			want:     "# a \\\nup\ntunnel 198.51.100.7 216.66.84.46\n",
			warnings: []string{"line 1: a backslash ends this comment, so netstart skips the next line with it"},
		},
		{
			name:     "no final newline: added",
			in:       "up\ntunnel 192.0.2.10 216.66.80.26",
			dst:      none,
			want:     "up\ntunnel 198.51.100.7 216.66.80.26\n",
			warnings: []string{"line 2 had no newline at the end, so netstart ignored it; added one"},
		},

		{
			name: "quoted description and comment kept",
			in:   "description \"HE  tunnel #1\"\ntunnel 192.0.2.10 216.66.80.26 # HE\n",
			dst:  none,
			want: "description \"HE  tunnel #1\"\ntunnel 198.51.100.7 216.66.80.26 # HE\n",
		},
		{
			name: "destination missing on the line",
			in:   "tunnel 192.0.2.10 # to be done\n",
			dst:  remote,
			want: "tunnel 198.51.100.7 216.66.84.46 # to be done\n",
		},
		{
			name: "bare tunnel word",
			in:   "tunnel\n",
			dst:  remote,
			want: "tunnel 198.51.100.7 216.66.84.46\n",
		},

		{
			name: "NUL bytes elsewhere kept",
			in:   "\x00# x\ntunnel 192.0.2.10 216.66.80.26\n\xff\n",
			dst:  none,
			want: "\x00# x\ntunnel 198.51.100.7 216.66.80.26\n\xff\n",
		},
		{
			name: "tunnel in a ! line before the tunnel line",
			in:   "!ifconfig $if tunnel 1.2.3.4 5.6.7.8\ntunnel 192.0.2.10 216.66.80.26\n",
			dst:  none,
			want: "!ifconfig $if tunnel 1.2.3.4 5.6.7.8\ntunnel 198.51.100.7 216.66.80.26\n",
		},
		{
			name: "a divergent tunnel line that netstart overrides",
			in:   "tunnel 10.0.0.1 216.66.80.26; up\ntunnel 192.0.2.10 216.66.80.26\n",
			dst:  none,
			want: "tunnel 10.0.0.1 216.66.80.26; up\ntunnel 198.51.100.7 216.66.80.26\n",
			warnings: []string{"2 tunnel lines; changed the last (line 2)",
				`line 1: shell syntax ($ ` + "`" + ` ; & | < > ( ) * ? [ { } ~ or an unclosed quote): netstart evals the line as root, so it is more than ifconfig's words; netstart runs "ifconfig gif0 tunnel 10.0.0.1 216.66.80.26; up"`},
		},
		{
			name: "dest after inet6 only",
			in:   "tunnel 192.0.2.10 216.66.80.26\ninet6 2001:db8::2 128\ndest 2001:db8::1\n",
			dst:  remote,
			want: "tunnel 198.51.100.7 216.66.84.46\ninet6 2001:db8::2 128\ndest 2001:db8::1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			warnings, err := f.SetTunnel("gif0", src, tt.dst)
			if err != nil {
				t.Fatalf("SetTunnel: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(f.Bytes())); diff != "" {
				t.Errorf("file (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			gotSrc, _, ok := f.Tunnel("gif0")
			if !ok || gotSrc != src {
				t.Errorf("Tunnel() after SetTunnel = %v, %v; want %v", gotSrc, ok, src)
			}
		})
	}
}

func TestSetTunnelErrors(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		name     string
		in       string
		src, dst netip.Addr
		want     string
	}{
		{"ipv6 source", "tunnel 192.0.2.10 216.66.80.26\n", a("2001:db8::1"), netip.Addr{},
			"tunnel source 2001:db8::1: not an IPv4 address"},
		{"mapped source", "tunnel 192.0.2.10 216.66.80.26\n", a("::ffff:198.51.100.7"), netip.Addr{},
			"tunnel source ::ffff:198.51.100.7: not an IPv4 address"},
		{"no source", "tunnel 192.0.2.10 216.66.80.26\n", netip.Addr{}, netip.Addr{},
			"tunnel source: no address"},
		{"unspecified source", "", a("0.0.0.0"), a("216.66.80.26"),
			"tunnel source 0.0.0.0: not a unicast address"},
		{"ipv6 destination", "tunnel 192.0.2.10 216.66.80.26\n", a("198.51.100.7"), a("2001:db8::1"),
			"tunnel destination 2001:db8::1: not an IPv4 address"},
		{"no line, no destination", "up\n", a("198.51.100.7"), netip.Addr{},
			"no tunnel line, and no destination to write one with"},
		{"line without destination", "tunnel 192.0.2.10\n", a("198.51.100.7"), netip.Addr{},
			"line 1: tunnel line without a destination, and none to add"},
		{"garbage destination", "up\ntunnel 192.0.2.10 he.net\n", a("198.51.100.7"), netip.Addr{},
			`line 2: tunnel destination "he.net" is not an address`},
		{"ipv6 destination in file", "tunnel 2001:db8::2 2001:db8::1\n", a("198.51.100.7"), netip.Addr{},
			"line 1: tunnel destination 2001:db8::1: not an IPv4 address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			_, err := f.SetTunnel("gif0", tt.src, tt.dst)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("SetTunnel error = %v, want %q", err, tt.want)
			}
			if got := string(f.Bytes()); got != tt.in {
				t.Errorf("file changed on error: %q", got)
			}
		})
	}
}
