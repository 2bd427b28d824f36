package hostnameif

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func heSpec() Spec {
	return Spec{
		Source: netip.MustParseAddr("192.0.2.10"),
		Remote: netip.MustParseAddr("216.66.80.26"),
		Inet6:  netip.MustParseAddr("2001:db8:1::2"),
		Peer:   netip.MustParseAddr("2001:db8:1::1"),
	}
}

func TestRender(t *testing.T) {
	withMTU := heSpec()
	withMTU.MTU = 1480
	upper := heSpec()
	upper.Inet6 = netip.MustParseAddr("2001:DB8:0001:0000:0000:0000:0000:0002")
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"plain", heSpec(), "# written by gifctl(8); later runs change only the tunnel line\n" +
			"tunnel 192.0.2.10 216.66.80.26\n" +
			"inet6 2001:db8:1::2 128\n" +
			"dest 2001:db8:1::1\n" +
			"!route -qn add -inet6 default 2001:db8:1::1\n"},
		{"mtu", withMTU, "# written by gifctl(8); later runs change only the tunnel line\n" +
			"tunnel 192.0.2.10 216.66.80.26\n" +
			"inet6 2001:db8:1::2 128\n" +
			"dest 2001:db8:1::1\n" +
			"mtu 1480\n" +
			"!route -qn add -inet6 default 2001:db8:1::1\n"},
		{"ipv6 printed compressed, lowercase", upper, "# written by gifctl(8); later runs change only the tunnel line\n" +
			"tunnel 192.0.2.10 216.66.80.26\n" +
			"inet6 2001:db8:1::2 128\n" +
			"dest 2001:db8:1::1\n" +
			"!route -qn add -inet6 default 2001:db8:1::1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.spec)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRenderParses checks that what Render writes reads back as the Spec,
// byte for byte and through netstart's eyes.
func TestRenderParses(t *testing.T) {
	s := heSpec()
	s.MTU = 1400
	b, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	f := Parse(b)
	if !bytes.Equal(f.Bytes(), b) {
		t.Errorf("Parse(Render).Bytes() differs: %q", f.Bytes())
	}
	src, dst, ok := f.Tunnel("gif0")
	if !ok || src != s.Source || dst != s.Remote {
		t.Errorf("Tunnel() = %v %v %v, want %v %v", src, dst, ok, s.Source, s.Remote)
	}
	addr, peer, ok := f.Inet6("gif0")
	if !ok || addr != s.Inet6 || peer != s.Peer {
		t.Errorf("Inet6() = %v %v %v, want %v %v", addr, peer, ok, s.Inet6, s.Peer)
	}
	want := []Command{
		{Line: 2, Ifconfig: []string{"tunnel", "192.0.2.10", "216.66.80.26"}, Eval: "ifconfig gif0 tunnel 192.0.2.10 216.66.80.26"},
		{Line: 3, Ifconfig: []string{"inet6", "2001:db8:1::2", "2001:db8:1::1", "prefixlen", "128"},
			Eval: "ifconfig gif0 inet6 2001:db8:1::2 2001:db8:1::1 prefixlen 128"},
		{Line: 5, Ifconfig: []string{"mtu", "1400"}, Eval: "ifconfig gif0 mtu 1400"},
		{Line: 6, Eval: "route -qn add -inet6 default 2001:db8:1::1"},
	}
	if diff := cmp.Diff(want, f.Commands("gif0")); diff != "" {
		t.Errorf("Commands (-want +got):\n%s", diff)
	}
	// A later restart changes only the tunnel line.
	if _, err := f.SetTunnel("gif0", netip.MustParseAddr("198.51.100.7"), netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	if got, want := string(f.Bytes()), string(bytes.Replace(b, []byte("192.0.2.10"), []byte("198.51.100.7"), 1)); got != want {
		t.Errorf("after SetTunnel:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderErrors(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		name   string
		change func(*Spec)
		want   string
	}{
		{"no remote", func(s *Spec) { s.Remote = netip.Addr{} },
			"missing remote: the broker's IPv4 address is needed to write hostname.if"},
		{"no inet6", func(s *Spec) { s.Inet6 = netip.Addr{} },
			"missing inet6 ... peer: the tunnel's IPv6 addresses are needed to write hostname.if"},
		{"no peer", func(s *Spec) { s.Peer = netip.Addr{} },
			"missing inet6 ... peer: the tunnel's IPv6 addresses are needed to write hostname.if"},
		{"ipv6 source", func(s *Spec) { s.Source = a("2001:db8::5") }, "tunnel source 2001:db8::5: not an IPv4 address"},
		{"no source", func(s *Spec) { s.Source = netip.Addr{} }, "tunnel source: no address"},
		{"ipv6 remote", func(s *Spec) { s.Remote = a("2001:db8::5") }, "remote: tunnel destination 2001:db8::5: not an IPv4 address"},
		{"ipv4 inet6", func(s *Spec) { s.Inet6 = a("10.0.0.1") }, "inet6 10.0.0.1: not an IPv6 address"},
		{"mapped peer", func(s *Spec) { s.Peer = a("::ffff:10.0.0.1") }, "peer ::ffff:10.0.0.1: not an IPv6 address"},
		{"zone", func(s *Spec) { s.Peer = a("fe80::1%em0;reboot") }, "peer fe80::1%em0;reboot: an address with a zone"},
		{"same", func(s *Spec) { s.Peer = s.Inet6 }, "inet6 2001:db8:1::2: the same address as its peer"},
		{"mtu low", func(s *Spec) { s.MTU = 1279 }, "mtu 1279: out of gif's range 1280-8192"},
		{"mtu high", func(s *Spec) { s.MTU = 9000 }, "mtu 9000: out of gif's range 1280-8192"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := heSpec()
			tt.change(&s)
			b, err := Render(s)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Render error = %v, want %q", err, tt.want)
			}
			if b != nil {
				t.Errorf("Render returned bytes with an error: %q", b)
			}
		})
	}
}
