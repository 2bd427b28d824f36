package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tun wraps tunnel statements in a valid block around them.
func tun(body string) string { return "tunnel gif0 {\negress em0\n" + body + "\n}\n" }

// TestParseErrors checks the exact text of every error Parse gives.
func TestParseErrors(t *testing.T) {
	seventeen := "check ipv4 {\n"
	for i := 1; i <= 17; i++ {
		seventeen += fmt.Sprintf("target 192.0.2.%d\n", i)
	}
	seventeen += "}\n" + tun("")

	tests := []struct{ name, in, want string }{
		// the file as a whole
		{"empty", "", `t.conf:1: no tunnel block; see gifctl.conf(5)`},
		{"comments only", "# nothing\n# here\n", `t.conf:2: no tunnel block; see gifctl.conf(5)`},
		{"set only", "set netstart /etc/netstart\n", `t.conf:1: no tunnel block; see gifctl.conf(5)`},
		{"unterminated quote", "tunnel gif0 {\nheartbeat \"abc\n}\n", `t.conf:2: unterminated quoted string`},
		{"unterminated quote at eof", "tunnel gif0 {\nheartbeat \"abc", `t.conf:2: unterminated quoted string`},
		{"single quote", "tunnel gif0 {\negress em0\nheartbeat 'abc'\n}\n", `t.conf:3: single quote outside double quotes; quote with "`},
		{"quoted keyword", `"tunnel" gif0 { egress em0 }`, `t.conf:1: expected a keyword, found a quoted string`},
		{"stray open", "{\n", `t.conf:1: expected a keyword, found "{"`},
		{"stray close", tun("") + "}\n", `t.conf:5: unexpected "}" outside a block`},
		{"lines after empty statements", ";;\n\n  \t\ntunnel gif0 {\n;\n egress em0 ;\n}\n;\n}", `t.conf:9: unexpected "}" outside a block`},
		{"lines after comments", "# top\ntunnel gif0 { # open\n\tegress em0# no space\n} # close\n# end\n}", `t.conf:6: unexpected "}" outside a block`},
		{"close twice on a line", "tunnel gif0 { egress em0 } }", `t.conf:1: unexpected "}" outside a block`},
		{"word after close", "tunnel gif0 { egress em0 } mtu 1400", `t.conf:1: unexpected "mtu" after "}"`},
		{"open after statement", tun("mtu 1400 {"), `t.conf:3: mtu: unexpected "{"`},

		// keywords
		{"unknown top", "tunel gif0 {\n", `t.conf:1: unknown keyword "tunel"; did you mean "tunnel"?`},
		{"unknown far", "frobnicate\n", `t.conf:1: unknown keyword "frobnicate"`},
		{"unknown in tunnel", tun("egres em1"), `t.conf:3: unknown keyword "egres"; did you mean "egress"?`},
		{"unknown in tunnel 2", tun("updateurl x"), `t.conf:3: unknown keyword "updateurl"; did you mean "update-url"?`},
		{"unknown in check", "check ipv4 {\ntarget 8.8.8.8\ntimout 2\n}\n", `t.conf:3: unknown keyword "timout"; did you mean "timeout"?`},
		{"unknown long", strings.Repeat("y", 100), `t.conf:1: unknown keyword "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"...`},
		{"unknown control", "\x01\n", `t.conf:1: unknown keyword "\x01"`},
		{"set option without set", "netstart /etc/netstart\n", `t.conf:1: unknown keyword "netstart"; did you mean "set netstart"?`},
		{"tunnel keyword at top", "egress em0\n", `t.conf:1: egress: only inside a tunnel block`},
		{"check keyword at top", "target 8.8.8.8\n", `t.conf:1: target: only inside a check block`},
		{"check keyword in tunnel", tun("timeout 1"), `t.conf:3: timeout: not allowed in a tunnel block`},
		{"tunnel keyword in check", "check ipv4 {\negress em0\n}\n", `t.conf:2: egress: not allowed in a check block`},
		{"peer alone", tun("peer 2001:db8::1"), `t.conf:3: peer: only in "inet6 ADDRESS peer ADDRESS"`},

		// blocks
		{"missing open", "tunnel gif0\negress em0\n}\n", `t.conf:1: tunnel gif0: missing "{"`},
		{"missing open at eof", "tunnel gif0", `t.conf:1: tunnel gif0: missing "{"`},
		{"words before open", "tunnel gif0 egress em0 {\n}\n", `t.conf:1: tunnel gif0: expected "{", found "egress"`},
		{"missing close at eof", "tunnel gif0 {\negress em0\n", `t.conf:2: tunnel gif0: missing "}" at end of file (block opened on line 1)`},
		{"missing close before tunnel", "tunnel gif0 {\negress em0\ntunnel gif1 {\negress em1\n}\n", `t.conf:3: tunnel gif0: missing "}" before "tunnel" (block opened on line 1)`},
		{"missing close in check", "check ipv6 {\ntarget 2001:db8::1\n\nset netstart /x\n", `t.conf:4: check ipv6: missing "}" before "set" (block opened on line 1)`},

		// set
		{"set nothing", "set\n", `t.conf:1: set: missing option`},
		{"set unknown", "set foo /x\n", `t.conf:1: set: unknown option "foo"`},
		{"set misspelled", "set hostnamedir /etc\n", `t.conf:1: set: unknown option "hostnamedir"; did you mean "hostname-dir"?`},
		{"set quoted option", "set \"netstart\" /x\n", `t.conf:1: set: expected an option, found a quoted string`},
		{"set no value", "set netstart\n", `t.conf:1: netstart: missing value`},
		{"set two values", "set netstart /a /b\n", `t.conf:1: netstart: one value only`},
		{"set block", "set netstart /a {\n", `t.conf:1: set: unexpected "{"`},
		{"set twice", "set pfctl /a\n\nset pfctl /a\n", `t.conf:3: pfctl: already set on line 1`},
		{"set relative", "set pf-conf etc/pf.conf\n", `t.conf:1: pf-conf: "etc/pf.conf" is not an absolute path`},
		{"set empty", "set ca-file \"\"\n", `t.conf:1: ca-file: "" is not an absolute path`},
		{"set tilde", "set state-dir ~/gifctl\n", `t.conf:1: state-dir: "~/gifctl" is not an absolute path`},

		// check
		{"check no family", "check {\n", `t.conf:1: check: missing family (ipv4 or ipv6)`},
		{"check bad family", "check ipv5 {\n", `t.conf:1: check: unknown family "ipv5"; want ipv4 or ipv6`},
		{"check twice", "check ipv4 { target 8.8.8.8 }\ncheck ipv4 { target 1.1.1.1 }\n", `t.conf:2: check ipv4: already given on line 1`},
		{"check empty", "check ipv4 {\n}\n", `t.conf:1: check ipv4: no target`},
		{"target none", "check ipv4 {\ntarget\n}\n", `t.conf:2: target: missing address`},
		{"target v6 in v4", "check ipv4 {\ntarget 2001:db8::1\n}\n", `t.conf:2: target: 2001:db8::1 is not an IPv4 address`},
		{"target v4 in v6", "check ipv6 {\ntarget 8.8.8.8\n}\n", `t.conf:2: target: 8.8.8.8 is not an IPv6 address`},
		{"target mapped", "check ipv6 {\ntarget ::ffff:8.8.8.8\n}\n", `t.conf:2: target: ::ffff:8.8.8.8 is IPv4-mapped; write it as IPv4`},
		{"target name", "check ipv4 {\ntarget dns.google\n}\n", `t.conf:2: target: "dns.google" is not an IP address`},
		{"target prefix", "check ipv4 {\ntarget 8.8.8.0/24\n}\n", `t.conf:2: target: "8.8.8.0/24" is not an IP address`},
		{"target leading zero", "check ipv4 {\ntarget 008.8.8.8\n}\n", `t.conf:2: target: "008.8.8.8" is not an IP address`},
		{"target unspecified", "check ipv6 {\ntarget ::\n}\n", `t.conf:2: target: :: is not a global unicast address`},
		{"target multicast", "check ipv4 {\ntarget 224.0.0.1\n}\n", `t.conf:2: target: 224.0.0.1 is not a global unicast address`},
		{"target twice", "check ipv4 {\ntarget 8.8.8.8\ntarget 1.1.1.1 8.8.8.8\n}\n", `t.conf:3: target: 8.8.8.8 already listed on line 2`},
		{"target seventeen", seventeen, `t.conf:18: check ipv4: more than 16 targets`},
		{"timeout twice", "check ipv4 {\ntarget 8.8.8.8\ntimeout 1\ntimeout 2\n}\n", `t.conf:4: timeout: already given on line 3`},
		{"timeout none", "check ipv4 {\ntimeout\n}\n", `t.conf:2: timeout: missing number of seconds`},
		{"timeout two", "check ipv4 {\ntimeout 1 2\n}\n", `t.conf:2: timeout: one number of seconds only`},
		{"timeout zero", "check ipv4 {\ntimeout 0\n}\n", `t.conf:2: timeout: 0 is out of range 1-30`},
		{"timeout big", "check ipv4 {\ntimeout 31\n}\n", `t.conf:2: timeout: 31 is out of range 1-30`},
		{"timeout huge", "check ipv4 {\ntimeout 123456789012345678901234567890\n}\n", `t.conf:2: timeout: 12345678901234567890... is out of range 1-30`},
		{"timeout unit", "check ipv4 {\ntimeout 1s\n}\n", `t.conf:2: timeout: "1s" is not a whole number of seconds`},
		{"timeout fraction", "check ipv4 {\ntimeout 0.5\n}\n", `t.conf:2: timeout: "0.5" is not a whole number of seconds`},
		{"timeout negative", "check ipv4 {\ntimeout -1\n}\n", `t.conf:2: timeout: "-1" is not a whole number of seconds`},

		// tunnel
		{"tunnel no name", "tunnel {\n", `t.conf:1: tunnel: missing interface name`},
		{"tunnel upper case", "tunnel GIF0 {\n", `t.conf:1: tunnel: "GIF0" is not an interface name (letters, then a unit number, like em0)`},
		{"tunnel no unit", "tunnel gif {\n", `t.conf:1: tunnel: "gif" is not an interface name (letters, then a unit number, like em0)`},
		{"tunnel unit first", "tunnel 0gif {\n", `t.conf:1: tunnel: "0gif" is not an interface name (letters, then a unit number, like em0)`},
		{"tunnel dash", "tunnel -gif0 {\n", `t.conf:1: tunnel: "-gif0" is not an interface name (letters, then a unit number, like em0)`},
		{"tunnel too long", "tunnel abcdefghijklmno0 {\n", `t.conf:1: tunnel: "abcdefghijklmno0" is longer than 15 bytes`},
		{"tunnel twice", tun("") + "tunnel gif0 {\negress em1\n}\n", `t.conf:5: tunnel gif0: already defined on line 1`},
		{"tunnel without egress", "tunnel gif0 {\nmtu 1400\n}\n", `t.conf:1: tunnel gif0: egress is required`},
		{"tunnel empty", "tunnel gif0 {}\n", `t.conf:1: tunnel gif0: egress is required`},
		{"egress none", "tunnel gif0 { egress }", `t.conf:1: egress: missing interface name`},
		{"egress two", "tunnel gif0 { egress em0 em1 }", `t.conf:1: egress: one interface name only`},
		{"egress twice", tun("egress em1"), `t.conf:3: egress: already given on line 2`},
		{"egress bad", "tunnel gif0 { egress em0.1 }", `t.conf:1: egress: "em0.1" is not an interface name (letters, then a unit number, like em0)`},
		{"egress itself", "tunnel gif0 { egress gif0 }", `t.conf:1: egress: gif0 is the tunnel itself`},
		{"remote none", tun("remote"), `t.conf:3: remote: missing IPv4 address`},
		{"remote v6", tun("remote 2001:db8::1"), `t.conf:3: remote: 2001:db8::1 is not an IPv4 address`},
		{"remote name", tun("remote tserv1.fra1.he.net"), `t.conf:3: remote: "tserv1.fra1.he.net" is not an IP address`},
		{"remote any", tun("remote 0.0.0.0"), `t.conf:3: remote: 0.0.0.0 is not a global unicast address`},
		{"remote broadcast", tun("remote 255.255.255.255"), `t.conf:3: remote: 255.255.255.255 is not a global unicast address`},
		{"remote loopback", tun("remote 127.0.0.1"), `t.conf:3: remote: 127.0.0.1 is not a global unicast address`},
		{"remote this network", tun("remote 0.1.2.3"), `t.conf:3: remote: 0.1.2.3 is not a global unicast address`},
		{"inet6 loopback", tun("inet6 ::1 peer 2001:db8::1"), `t.conf:3: inet6: ::1 is not a global unicast address`},
		{"peer link-local", tun("inet6 2001:db8::2 peer fe80::1"), `t.conf:3: peer: fe80::1 is not a global unicast address`},
		{"remote twice", tun("remote 192.0.2.1\nremote 192.0.2.2"), `t.conf:4: remote: already given on line 3`},
		{"inet6 alone", tun("inet6 2001:db8::2"), `t.conf:3: inet6: want "inet6 ADDRESS peer ADDRESS"`},
		{"inet6 dest", tun("inet6 2001:db8::2 dest 2001:db8::1"), `t.conf:3: inet6: want "inet6 ADDRESS peer ADDRESS"`},
		{"inet6 prefixlen", tun("inet6 2001:db8::2 128"), `t.conf:3: inet6: want "inet6 ADDRESS peer ADDRESS"`},
		{"inet6 quoted peer", tun(`inet6 2001:db8::2 "peer" 2001:db8::1`), `t.conf:3: inet6: want "inet6 ADDRESS peer ADDRESS"`},
		{"inet6 v4", tun("inet6 192.0.2.2 peer 2001:db8::1"), `t.conf:3: inet6: 192.0.2.2 is not an IPv6 address`},
		{"inet6 peer v4", tun("inet6 2001:db8::2 peer 192.0.2.1"), `t.conf:3: peer: 192.0.2.1 is not an IPv6 address`},
		{"inet6 other network", tun("inet6 2001:db8::2/64 peer 2001:db8:1::1"), `t.conf:3: inet6: 2001:db8::2 and peer 2001:db8:1::1 are not both in 2001:db8::/64; copy both from the tunnel's page`},
		{"peer other network", tun("inet6 2001:db8::2 peer 2001:db8:1::1/64"), `t.conf:3: inet6: 2001:db8::2 and peer 2001:db8:1::1 are not both in 2001:db8::/64; copy both from the tunnel's page`},
		{"inet6 prefix too long", tun("inet6 2001:db8::2/129 peer 2001:db8::1"), `t.conf:3: inet6 prefix length: 129 is out of range 1-128`},
		{"inet6 prefix empty", tun("inet6 2001:db8::2/ peer 2001:db8::1"), `t.conf:3: inet6 prefix length: "" is not a whole number`},
		{"inet6 prefix on garbage", tun("inet6 x/64 peer 2001:db8::1"), `t.conf:3: inet6: "x" is not an IP address`},
		{"inet6 zone", tun("inet6 fe80::2%gif0 peer fe80::1"), `t.conf:3: inet6: fe80::2%gif0: zones are not allowed`},
		{"inet6 same", tun("inet6 2001:db8::1 peer 2001:0db8::1"), `t.conf:3: inet6: address and peer are both 2001:db8::1`},
		{"inet6 twice", tun("inet6 2001:db8::2 peer 2001:db8::1\ninet6 2001:db8::2 peer 2001:db8::1"), `t.conf:4: inet6: already given on line 3`},
		{"mtu none", tun("mtu"), `t.conf:3: mtu: missing number`},
		{"mtu low", tun("mtu 1279"), `t.conf:3: mtu: 1279 is out of range 1280-8192`},
		{"mtu high", tun("mtu 8193"), `t.conf:3: mtu: 8193 is out of range 1280-8192`},
		{"mtu word", tun("mtu big"), `t.conf:3: mtu: "big" is not a whole number`},
		{"mtu hex", tun("mtu 0x500"), `t.conf:3: mtu: "0x500" is not a whole number`},
		{"mtu plus", tun("mtu +1400"), `t.conf:3: mtu: "+1400" is not a whole number`},
		{"mtu twice", tun("mtu 1400\nmtu 1400"), `t.conf:4: mtu: already given on line 3`},
		{"update-url none", tun("update-url"), `t.conf:3: update-url: missing URL`},
		{"update-url two", tun(`update-url "https://h/" "https://i/"`), `t.conf:3: update-url: one URL only`},
		{"update-url http", tun(`update-url "http://u:secretkey@h.example/nic/update"`), `t.conf:3: update-url: scheme must be https: the URL carries credentials`},
		{"update-url no scheme", tun(`update-url "u:secretkey@h.example/nic/update"`), `t.conf:3: update-url: scheme must be https: the URL carries credentials`},
		{"update-url no host", tun(`update-url "https:///nic/update?password=secretkey"`), `t.conf:3: update-url: no host`},
		{"update-url userinfo only", tun(`update-url "https://u:secretkey@/nic/update"`), `t.conf:3: update-url: no host`},
		{"update-url opaque", tun(`update-url "https:u:secretkey@h.example"`), `t.conf:3: update-url: not a valid URL: want https://HOST/PATH`},
		{"update-url missing scheme", tun(`update-url "://u:secretkey@h.example"`), `t.conf:3: update-url: not a valid URL: missing protocol scheme`},
		{"update-url bad escape", tun(`update-url "https://u:secret%zzkey@h.example/"`), `t.conf:3: update-url: not a valid URL: invalid URL escape`},
		{"update-url bad path escape", tun(`update-url "https://u:secretkey@h.example/%zzsecret"`), `t.conf:3: update-url: not a valid URL: invalid URL escape`},
		{"update-url bad port", tun(`update-url "https://u:secretkey@h.example:0/"`), `t.conf:3: update-url: bad port`},
		{"update-url port word", tun(`update-url "https://u:secretkey@h.example:https/"`), `t.conf:3: update-url: not a valid URL: invalid port after host`},
		{"update-url bad host", tun(`update-url "https://u:secretkey@h<secret>.example/"`), `t.conf:3: update-url: host is neither a DNS name nor an IP address`},
		{"update-url host with quote", tun(`update-url https://u:secretkey@h"x".example/`), `t.conf:3: update-url: one URL only`},
		{"update-url bracketed v6 zone", tun(`update-url "https://u:secretkey@[fe80::1%25em0]/"`), `t.conf:3: update-url: host is neither a DNS name nor an IP address`},
		{"update-url empty label", tun(`update-url "https://u:secretkey@h..example/"`), `t.conf:3: update-url: host is neither a DNS name nor an IP address`},
		{"update-url fragment", tun(`update-url "https://u:secretkey@h.example/#secret"`), `t.conf:3: update-url: a fragment (#...) is never sent; remove it`},
		{"update-url bad query", tun(`update-url "https://h.example/?password=secret%zz"`), `t.conf:3: update-url: bad query: invalid URL escape`},
		{"update-url escaped newline", tun(`update-url "https://u:secret%0Akey@h.example/"`), `t.conf:3: update-url: contains an escaped control character or invalid UTF-8`},
		{"update-url escaped nul in query", tun(`update-url "https://h.example/?password=secret%00key"`), `t.conf:3: update-url: contains an escaped control character or invalid UTF-8`},
		{"update-url escaped invalid utf-8", tun(`update-url "https://h.example/secret%FF"`), `t.conf:3: update-url: contains an escaped control character or invalid UTF-8`},
		{"update-url twice", tun("update-url https://h/\nupdate-url https://h/"), `t.conf:4: update-url: already given on line 3`},
		{"heartbeat none", tun("heartbeat"), `t.conf:3: heartbeat: missing password`},
		{"heartbeat two", tun("heartbeat secret secret"), `t.conf:3: heartbeat: one password only`},
		{"heartbeat empty", tun(`heartbeat ""`), `t.conf:3: heartbeat: empty password`},
		{"heartbeat long", tun(`heartbeat "` + strings.Repeat("s", MaxHeartbeatLen+1) + `"`), `t.conf:3: heartbeat: password longer than 128 characters`},
		{"heartbeat non-ascii", tun(`heartbeat "secrét"`), `t.conf:3: heartbeat: contains "é"; the password is printable ASCII`},
		{"heartbeat twice", tun("heartbeat a\nheartbeat a"), `t.conf:4: heartbeat: already given on line 3`},
		{"value too long", tun(`heartbeat "` + strings.Repeat("s", 1025) + `"`), `t.conf:3: value longer than 1024 bytes`},

		// a ';' outside quotes ends the statement: the rest is a new one
		{"semicolon splits", tun("egress em0;reboot"), `t.conf:3: egress: already given on line 2`},
		{"semicolon splits 2", "tunnel gif0 {\negress em0;reboot\n}\n", `t.conf:2: unknown keyword "reboot"`},
	}
	names := make(map[string]bool)
	for _, tt := range tests {
		if names[tt.name] {
			t.Fatalf("test name %q used twice", tt.name)
		}
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("t.conf", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse: no error, want %q; got %+v", tt.want, c)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			var pe *parseError
			if !errors.As(err, &pe) || pe.File != "t.conf" {
				t.Errorf("error %#v is not a *parseError for t.conf", err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error quotes a secret: %q", err)
			}
		})
	}
}
