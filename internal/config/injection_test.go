package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// valueKinds places a value, as X, in every position the grammar has:
// each set option, both block headers and every keyword's value. The
// templates are valid with X = "".
var valueKinds = []struct{ kw, tmpl string }{
	{"hostname-dir", `set hostname-dir "/etcX"` + "\n" + tunnelLine},
	{"state-dir", `set state-dir "/var/db/gifctlX"` + "\n" + tunnelLine},
	{"netstart", `set netstart "/etc/netstartX"` + "\n" + tunnelLine},
	{"pfctl", `set pfctl "/sbin/pfctlX"` + "\n" + tunnelLine},
	{"ifconfig", `set ifconfig "/sbin/ifconfigX"` + "\n" + tunnelLine},
	{"pf-conf", `set pf-conf "/etc/pf.confX"` + "\n" + tunnelLine},
	{"ca-file", `set ca-file "/etc/ssl/cert.pemX"` + "\n" + tunnelLine},
	{"check", `check "ipv4X" { target 8.8.8.8 }` + "\n" + tunnelLine},
	{"target", `check ipv4 { target "8.8.8.8X" }` + "\n" + tunnelLine},
	{"timeout", `check ipv6 { target 2001:db8::1; timeout "1X" }` + "\n" + tunnelLine},
	{"tunnel", `tunnel "gif0X" { egress em0 }` + "\n" + tunnelLine},
	{"egress", `tunnel gif0 { egress "em0X" }` + "\n" + tunnelLine},
	{"remote", `tunnel gif0 { egress em0; remote "192.0.2.1X" }` + "\n" + tunnelLine},
	{"inet6", `tunnel gif0 { egress em0; inet6 "2001:db8::2X" peer 2001:db8::1 }` + "\n" + tunnelLine},
	{"peer", `tunnel gif0 { egress em0; inet6 2001:db8::2 peer "2001:db8::1X" }` + "\n" + tunnelLine},
	{"mtu", `tunnel gif0 { egress em0; mtu "1480X" }` + "\n" + tunnelLine},
	{"update-url", `tunnel gif0 { egress em0; update-url "https://alice:secretXkey@h.example/nic/update?hostname=1&password=secretX" }` + "\n" + tunnelLine},
	{"heartbeat", `tunnel gif0 { egress em0; heartbeat "secretXpw" }` + "\n" + tunnelLine},
}

const tunnelLine = "tunnel gif9 { egress em9 }"

// TestInjectionEverywhere puts each character that could end, chain or
// expand a command in a shell or a hostname.if "!" line, or hide in a log
// line, into every kind of value, and wants it refused by name.
func TestInjectionEverywhere(t *testing.T) {
	bad := []struct{ in, shown string }{
		{";", `";"`}, {"!", `"!"`}, {"$", `"$"`}, {"`", "\"`\""},
		{"$(reboot)", `"$"`}, {"`reboot`", "\"`\""},
		{"\x00", `"\x00"`}, {"\x01", `"\x01"`}, {"\a", `"\a"`}, {"\b", `"\b"`},
		{"\t", `"\t"`}, {"\v", `"\v"`}, {"\f", `"\f"`}, {"\r", `"\r"`},
		{"\x1b[2J", `"\x1b"`}, {"\x7f", `"\x7f"`}, {"\u0085", `"\u0085"`},
		{" ", `" "`}, {"\u00a0", `"\u00a0"`}, {"\u2028", `"\u2028"`},
		{"\u200b", `"\u200b"`}, {"\u202e", `"\u202e"`}, {"\ufeff", `"\ufeff"`},
	}
	for _, k := range valueKinds {
		if _, err := Parse("t.conf", []byte(strings.ReplaceAll(k.tmpl, "X", ""))); err != nil {
			t.Fatalf("%s: template does not parse without X: %v", k.kw, err)
		}
		for _, b := range bad {
			t.Run(fmt.Sprintf("%s/%q", k.kw, b.in), func(t *testing.T) {
				in := strings.ReplaceAll(k.tmpl, "X", b.in)
				want := fmt.Sprintf("t.conf:1: %s: contains %s", k.kw, b.shown)
				checkRefused(t, in, want)
			})
		}
		for _, b := range []string{"\xff", "\xc3(", "\xed\xa0\x80"} { // invalid, truncated, surrogate
			t.Run(fmt.Sprintf("%s/%q", k.kw, b), func(t *testing.T) {
				in := strings.ReplaceAll(k.tmpl, "X", b)
				checkRefused(t, in, fmt.Sprintf("t.conf:1: %s: contains invalid UTF-8", k.kw))
			})
		}
		t.Run(k.kw+"/newline", func(t *testing.T) {
			checkRefused(t, strings.ReplaceAll(k.tmpl, "X", "\nreboot"), "t.conf:1: unterminated quoted string")
		})
	}
}

// TestInjectionBare checks the same outside quotes, where ';' and
// newlines end the statement instead.
func TestInjectionBare(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tunnel gif0 { egress em0$x }", `t.conf:1: egress: contains "$"`},
		{"tunnel gif0 { egress em0`x` }", "t.conf:1: egress: contains \"`\""},
		{"tunnel gif0 { egress em0!x }", `t.conf:1: egress: contains "!"`},
		{"tunnel gif0 { egress em0\x00 }", `t.conf:1: egress: contains "\x00"`},
		{"tunnel gif0 { egress em0\rx }", `t.conf:1: egress: contains "\r"`},
		{"tunnel gif0 { egress em0\xff }", `t.conf:1: egress: contains invalid UTF-8`},
		{"set netstart /etc/netstart$x\n" + tunnelLine, `t.conf:1: netstart: contains "$"`},
		{"set netstart /etc/netstart;reboot\n" + tunnelLine, `t.conf:1: unknown keyword "reboot"`},
		{"tunnel gif0 { egress em0; heartbeat pw$x }", `t.conf:1: heartbeat: contains "$"`},
		{"tunnel gif0 { egress em0; update-url https://a:b$c@h/ }", `t.conf:1: update-url: contains "$"`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			checkRefused(t, tt.in, tt.want)
		})
	}
}

// TestPathCharacters checks the whitelist of path characters: every
// shell-special character is refused in every set option.
func TestPathCharacters(t *testing.T) {
	for _, k := range valueKinds[:7] {
		for _, c := range strings.Split(`' \ | & < > * ? ( ) [ ] { } ^ #`, " ") {
			t.Run(k.kw+"/"+c, func(t *testing.T) {
				in := strings.ReplaceAll(k.tmpl, "X", c)
				checkRefused(t, in, fmt.Sprintf("t.conf:1: %s: contains %q", k.kw, c))
			})
		}
	}
}

func checkRefused(t *testing.T, in, want string) {
	t.Helper()
	c, err := Parse("t.conf", []byte(in))
	if err == nil {
		t.Fatalf("Parse(%q) accepted it: %+v", in, c)
	}
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("Parse(%q) error (-want +got):\n%s", in, diff)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error quotes a secret: %q", err)
	}
}
