package config

import (
	"net/netip"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var addr = netip.MustParseAddr

// defaults is what Parse gives for a file with no set statement.
func defaults(tunnels ...*Tunnel) *Config {
	return &Config{
		File:        "t.conf",
		HostnameDir: "/etc",
		StateDir:    "/var/db/gifctl",
		Netstart:    "/etc/netstart",
		Pfctl:       "/sbin/pfctl",
		Ifconfig:    "/sbin/ifconfig",
		CAFile:      "/etc/ssl/cert.pem",
		Tunnels:     tunnels,
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestParseExamples parses the two examples of gifctl.conf(5), kept
// in testdata, and prints them back.
func TestParseExamples(t *testing.T) {
	tests := []struct {
		file string
		want *Config
	}{{
		file: "small.conf",
		want: defaults(&Tunnel{
			Name:      "gif0",
			Egress:    "em0",
			UpdateURL: mustURL(t, "https://alice:0123abcd@ipv4.tunnelbroker.net/nic/update?hostname=123456"),
		}),
	}, {
		file: "full.conf",
		want: &Config{
			File:        "t.conf",
			HostnameDir: "/etc",
			StateDir:    "/var/db/gifctl",
			Netstart:    "/etc/netstart",
			Pfctl:       "/sbin/pfctl",
			Ifconfig:    "/sbin/ifconfig",
			PfConf:      "/etc/pf.conf",
			CAFile:      "/etc/ssl/cert.pem",
			IPv4: &Check{
				Targets: []netip.Addr{addr("8.8.8.8"), addr("1.1.1.1")},
				Timeout: time.Second,
			},
			IPv6: &Check{
				Targets: []netip.Addr{addr("2001:4860:4860::8888"), addr("2606:4700:4700::1111")},
				Timeout: time.Second,
			},
			Tunnels: []*Tunnel{{
				Name:      "gif0",
				Egress:    "em0",
				Remote:    addr("216.66.80.26"),
				Inet6:     addr("2001:db8:1::2"),
				Peer:      addr("2001:db8:1::1"),
				MTU:       1480,
				UpdateURL: mustURL(t, "https://USER:KEY@ipv4.tunnelbroker.net/nic/update?hostname=ID"),
				Heartbeat: "PASSWORD",
			}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Parse("t.conf", readTestdata(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpConfig...); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			roundTrip(t, got)
		})
	}
}

// TestParse covers each keyword and the forms of the syntax.
func TestParse(t *testing.T) {
	gif0 := func(mod func(*Tunnel)) *Tunnel {
		tu := &Tunnel{Name: "gif0", Egress: "em0"}
		if mod != nil {
			mod(tu)
		}
		return tu
	}
	withConfig := func(c *Config, mod func(*Config)) *Config {
		mod(c)
		return c
	}
	sixteen := make([]netip.Addr, 16)
	var sixteenLines strings.Builder
	for i := range sixteen {
		sixteen[i] = netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)})
		sixteenLines.WriteString("target " + sixteen[i].String() + "\n")
	}
	long := strings.Repeat("x", MaxHeartbeatLen)

	tests := []struct {
		name, in string
		want     *Config
	}{
		{"one line block", "tunnel gif0 { egress em0 }", defaults(gif0(nil))},
		{"brace on next line", "tunnel gif0\n\n{\negress em0\n}\n", defaults(gif0(nil))},
		{"semicolons", "tunnel gif0 {egress em0;mtu 1400;}", defaults(gif0(func(t *Tunnel) { t.MTU = 1400 }))},
		{"empty statements", ";;\n\n  \t\ntunnel gif0 {\n;\n egress em0 ;\n}\n;\n", defaults(gif0(nil))},
		{"comments", "# top\ntunnel gif0 { # open\n\tegress em0# no space\n} # close\n# end", defaults(gif0(nil))},
		{"hash inside quotes", `tunnel gif0 { egress em0; heartbeat "a#b" }`, defaults(gif0(func(t *Tunnel) { t.Heartbeat = "a#b" }))},
		{"quoted interface names", `tunnel "gif0" { egress "em0" }`, defaults(gif0(nil))},
		{"dos line endings", "tunnel gif0 {\r\n\tegress em0\r\n}\r\n", defaults(gif0(nil))},
		{"no final newline", "tunnel gif0 {\negress em0\n}", defaults(gif0(nil))},
		{"remote", "tunnel gif0 { egress em0; remote 216.66.80.26 }", defaults(gif0(func(t *Tunnel) { t.Remote = addr("216.66.80.26") }))},
		{"inet6 peer", "tunnel gif0 { egress em0; inet6 2001:db8:1::2 peer 2001:db8:1::1 }", defaults(gif0(func(t *Tunnel) {
			t.Inet6, t.Peer = addr("2001:db8:1::2"), addr("2001:db8:1::1")
		}))},
		{"inet6 as HE shows it", "tunnel gif0 { egress em0; inet6 2001:db8:1::2/64 peer 2001:db8:1::1/64 }", defaults(gif0(func(t *Tunnel) {
			t.Inet6, t.Peer, t.Inet6Len = addr("2001:db8:1::2"), addr("2001:db8:1::1"), 64
		}))},
		{"peer with length", "tunnel gif0 { egress em0; inet6 2001:db8:1::2 peer 2001:db8:1::1/64 }", defaults(gif0(func(t *Tunnel) {
			t.Inet6, t.Peer, t.Inet6Len = addr("2001:db8:1::2"), addr("2001:db8:1::1"), 64
		}))},
		{"inet6 uncompressed", "tunnel gif0 { egress em0; inet6 2001:0db8:0001:0000:0000:0000:0000:0002 peer 2001:DB8:1::1 }", defaults(gif0(func(t *Tunnel) {
			t.Inet6, t.Peer = addr("2001:db8:1::2"), addr("2001:db8:1::1")
		}))},
		{"mtu lowest", "tunnel gif0 { egress em0; mtu 1280 }", defaults(gif0(func(t *Tunnel) { t.MTU = 1280 }))},
		{"mtu highest", "tunnel gif0 { egress em0; mtu 8192 }", defaults(gif0(func(t *Tunnel) { t.MTU = 8192 }))},
		{"update-url bare", "tunnel gif0 { egress em0; update-url https://a:b@h.example/u?hostname=1&x=2 }", defaults(gif0(func(tu *Tunnel) {
			tu.UpdateURL = mustURL(t, "https://a:b@h.example/u?hostname=1&x=2")
		}))},
		{"update-url query credentials", `tunnel gif0 { egress em0; update-url "https://h.example/nic/update?username=a&password=b&hostname=1" }`, defaults(gif0(func(tu *Tunnel) {
			tu.UpdateURL = mustURL(t, "https://h.example/nic/update?username=a&password=b&hostname=1")
		}))},
		{"update-url port", `tunnel gif0 { egress em0; update-url "https://127.0.0.1:8443/nic/update" }`, defaults(gif0(func(tu *Tunnel) {
			tu.UpdateURL = mustURL(t, "https://127.0.0.1:8443/nic/update")
		}))},
		{"update-url ipv6 literal", `tunnel gif0 { egress em0; update-url "https://[2001:db8::1]:8443/nic/update" }`, defaults(gif0(func(tu *Tunnel) {
			tu.UpdateURL = mustURL(t, "https://[2001:db8::1]:8443/nic/update")
		}))},
		{"update-url HTTPS upper case", `tunnel gif0 { egress em0; update-url "HTTPS://h.example/" }`, defaults(gif0(func(tu *Tunnel) {
			tu.UpdateURL = mustURL(t, "https://h.example/")
		}))},
		{"heartbeat punctuation", `tunnel gif0 { egress em0; heartbeat "p@ss\w0rd'%&*" }`, defaults(gif0(func(t *Tunnel) { t.Heartbeat = `p@ss\w0rd'%&*` }))},
		{"heartbeat longest", `tunnel gif0 { egress em0; heartbeat "` + long + `" }`, defaults(gif0(func(t *Tunnel) { t.Heartbeat = long }))},
		{"names of 15 bytes", "tunnel abcdefghijklmn0 { egress opqrstuvwxyz999 }", defaults(&Tunnel{Name: "abcdefghijklmn0", Egress: "opqrstuvwxyz999"})},
		{"several tunnels", "tunnel gif0 { egress em0 }\ntunnel gif1 {\n egress em1\n}\n", defaults(gif0(nil), &Tunnel{Name: "gif1", Egress: "em1"})},
		{"set options", `set hostname-dir /tmp/etc
set state-dir "/tmp/state"
set netstart /tmp/netstart
set pfctl /tmp/pfctl; set ifconfig /tmp/ifconfig
set pf-conf /tmp/pf.conf
set ca-file "/tmp/ca.pem"
tunnel gif0 { egress em0 }`, withConfig(defaults(gif0(nil)), func(c *Config) {
			c.HostnameDir, c.StateDir, c.Netstart = "/tmp/etc", "/tmp/state", "/tmp/netstart"
			c.Pfctl, c.Ifconfig, c.PfConf, c.CAFile = "/tmp/pfctl", "/tmp/ifconfig", "/tmp/pf.conf", "/tmp/ca.pem"
		})},
		{"paths cleaned", "set hostname-dir \"/etc/\"\nset state-dir //var/db/./gifctl/\ntunnel gif0 { egress em0 }", withConfig(defaults(gif0(nil)), func(c *Config) {
			c.HostnameDir, c.StateDir = "/etc", "/var/db/gifctl"
		})},
		{"path punctuation", "set ca-file /etc/ssl/my_ca-2024+old,v=1:@%~.pem\ntunnel gif0 { egress em0 }", withConfig(defaults(gif0(nil)), func(c *Config) {
			c.CAFile = "/etc/ssl/my_ca-2024+old,v=1:@%~.pem"
		})},
		{"check blocks", "check ipv4 { target 8.8.8.8 1.1.1.1; timeout 30 }\ncheck ipv6 {\ntarget 2001:4860:4860::8888\n}\ntunnel gif0 { egress em0 }", withConfig(defaults(gif0(nil)), func(c *Config) {
			c.IPv4 = &Check{Targets: []netip.Addr{addr("8.8.8.8"), addr("1.1.1.1")}, Timeout: 30 * time.Second}
			c.IPv6 = &Check{Targets: []netip.Addr{addr("2001:4860:4860::8888")}, Timeout: DefaultCheckTimeout}
		})},
		{"sixteen targets", "check ipv4 {\n" + sixteenLines.String() + "}\ntunnel gif0 { egress em0 }", withConfig(defaults(gif0(nil)), func(c *Config) {
			c.IPv4 = &Check{Targets: sixteen, Timeout: DefaultCheckTimeout}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("t.conf", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpConfig...); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			roundTrip(t, got)
		})
	}
}

func BenchmarkParse(b *testing.B) {
	data := readTestdata(b, "full.conf")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("gifctl.conf", data); err != nil {
			b.Fatal(err)
		}
	}
}
