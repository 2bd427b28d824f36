package bsd

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// gif0Output is `ifconfig gif0` on OpenBSD 7.x for a configured HE tunnel.
const gif0Output = `gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1480
	index 5 priority 0 llprio 3
	encap: txprio payload rxprio payload
	groups: gif egress
	tunnel: inet 192.0.2.10 --> 216.66.80.26 ttl 64 nodf ecn
	inet6 fe80::200:5eff:fe00:5301%gif0 -->  prefixlen 64 scopeid 0x5
	inet6 2001:db8:1::2 --> 2001:db8:1::1 prefixlen 128
`

func TestParseIfconfigTunnel(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		src     string
		dst     string
		wantErr error // nil: success; errAny: any error
	}{
		{name: "HE tunnel", out: gif0Output, src: "192.0.2.10", dst: "216.66.80.26"},
		{name: "rdomain", out: "gif1: flags=8051<UP>\n\ttunnel: inet 198.51.100.7 --> 216.66.80.26 ttl 64 nodf ecn rdomain 3\n", src: "198.51.100.7", dst: "216.66.80.26"},
		{name: "ttl copy, df, noecn", out: "\ttunnel: inet 10.0.0.1 --> 10.0.0.2 ttl copy df noecn\n", src: "10.0.0.1", dst: "10.0.0.2"},
		{name: "minimal", out: "\ttunnel: inet 10.0.0.1 --> 10.0.0.2", src: "10.0.0.1", dst: "10.0.0.2"},
		{name: "destination 0.0.0.0", out: "\ttunnel: inet 192.0.2.1 --> 0.0.0.0 ttl 64 nodf ecn\n", src: "192.0.2.1", dst: "0.0.0.0"},
		{name: "inet6 outer", out: "\ttunnel: inet6 2001:db8::1 --> 2001:db8::2 ttl 64 nodf ecn\n", src: "2001:db8::1", dst: "2001:db8::2"},
		{name: "inet6 link-local zone", out: "\ttunnel: inet6 fe80::1%em0 --> fe80::2%em0 ttl 64\n", src: "fe80::1%em0", dst: "fe80::2%em0"},
		{name: "CRLF", out: "\ttunnel: inet 10.0.0.1 --> 10.0.0.2 ttl 64\r\n", src: "10.0.0.1", dst: "10.0.0.2"},
		{name: "unset", out: "gif0: flags=8010<POINTOPOINT,MULTICAST> mtu 1280\n\ttunnel: (unset) ttl 64 nodf ecn\n", wantErr: ErrNoTunnel},
		{name: "unset bare", out: "\ttunnel: (unset)\n", wantErr: ErrNoTunnel},
		{name: "no tunnel line (em0)", out: "em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n\tinet 192.0.2.10 netmask 0xffffff00 broadcast 192.0.2.255\n", wantErr: errAny},
		{name: "empty", out: "", wantErr: errAny},
		{name: "two tunnel lines", out: "\ttunnel: inet 10.0.0.1 --> 10.0.0.2\n\ttunnel: inet 10.0.0.3 --> 10.0.0.4\n", wantErr: errAny},
		{name: "no destination", out: "\ttunnel: inet 10.0.0.1 ttl 64\n", wantErr: errAny},
		{name: "getnameinfo error", out: "\ttunnel: inet <error> --> 10.0.0.2 ttl 64\n", wantErr: errAny},
		{name: "port (vxlan)", out: "\ttunnel: inet 10.0.0.1:4789 --> 10.0.0.2:4789 ttl 64\n", wantErr: errAny},
		{name: "family mismatch", out: "\ttunnel: inet 2001:db8::1 --> 2001:db8::2\n", wantErr: errAny},
		{name: "inet6 with IPv4", out: "\ttunnel: inet6 10.0.0.1 --> 10.0.0.2\n", wantErr: errAny},
		{name: "mixed families", out: "\ttunnel: inet 10.0.0.1 --> 2001:db8::2\n", wantErr: errAny},
		{name: "unknown family", out: "\ttunnel: mpls 10.0.0.1 --> 10.0.0.2\n", wantErr: errAny},
		{name: "description is not a tunnel line", out: "\tdescription: tunnel: inet 1.1.1.1 --> 2.2.2.2\n", wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, dst, err := ParseIfconfigTunnel([]byte(tt.out))
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr == errAny && err == nil, tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if src.IsValid() || dst.IsValid() {
					t.Errorf("error with valid addresses %v %v", src, dst)
				}
				return
			}
			want := []netip.Addr{netip.MustParseAddr(tt.src), netip.MustParseAddr(tt.dst)}
			if diff := cmp.Diff(want, []netip.Addr{src, dst}, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
				t.Errorf("endpoints (-want +got):\n%s", diff)
			}
		})
	}
}

var errAny = errors.New("any error")

// fakeIfconfig writes a stand-in ifconfig that prints out for gif0 and
// fails like OpenBSD's for anything else.
func fakeIfconfig(t *testing.T, out string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "gif0.out"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ifconfig")
	script := "#!/bin/sh\n" +
		"if [ \"$1\" = gif0 ]; then cat " + filepath.Join(dir, "gif0.out") + "; exit 0; fi\n" +
		"echo \"ifconfig: $1: no such interface\" >&2; exit 1\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIfconfigEndpoints(t *testing.T) {
	ifconfig := fakeIfconfig(t, gif0Output)
	src, dst, err := IfconfigEndpoints(context.Background(), "gif0", ifconfig)
	if err != nil {
		t.Fatal(err)
	}
	if src != netip.MustParseAddr("192.0.2.10") || dst != netip.MustParseAddr("216.66.80.26") {
		t.Errorf("got %v --> %v", src, dst)
	}
}

func TestIfconfigEndpointsUnset(t *testing.T) {
	ifconfig := fakeIfconfig(t, "gif0: flags=8010<POINTOPOINT,MULTICAST> mtu 1280\n\ttunnel: (unset) ttl 64 nodf ecn\n")
	_, _, err := IfconfigEndpoints(context.Background(), "gif0", ifconfig)
	if !errors.Is(err, ErrNoTunnel) {
		t.Fatalf("err = %v, want ErrNoTunnel", err)
	}
	if got, want := err.Error(), "gif0: no tunnel endpoints set"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestIfconfigEndpointsFails(t *testing.T) {
	ifconfig := fakeIfconfig(t, gif0Output)
	_, _, err := IfconfigEndpoints(context.Background(), "gif9", ifconfig)
	if err == nil {
		t.Fatal("no error for a missing interface")
	}
	want := ifconfig + " gif9: exited 1: ifconfig: gif9: no such interface"
	if got := err.Error(); got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	// Names that would be options are refused before anything runs.
	if _, _, err := IfconfigEndpoints(context.Background(), "-a", ifconfig); err == nil || strings.Contains(err.Error(), "exited") {
		t.Errorf("\"-a\": err = %v, want a refusal", err)
	}
}

// On this OS TunnelEndpoints reads ifconfig's output.
func TestTunnelEndpointsPortable(t *testing.T) {
	ifconfig := fakeIfconfig(t, gif0Output)
	src, dst, err := TunnelEndpoints(context.Background(), "gif0", ifconfig)
	if err != nil {
		t.Fatal(err)
	}
	if src != netip.MustParseAddr("192.0.2.10") || dst != netip.MustParseAddr("216.66.80.26") {
		t.Errorf("got %v --> %v", src, dst)
	}
}

// With the ioctl (getTunnel standing in for it), TunnelEndpoints decodes
// what the kernel wrote and names the interface in its errors; once a plan
// is applied it makes no ioctl and runs ifconfig.
func TestTunnelEndpointsIoctl(t *testing.T) {
	old := getTunnel
	t.Cleanup(func() { getTunnel = old; pledged.Store(nil) })
	getTunnel = func(r *laddrreq) error {
		if r.name() != "gif0" {
			return ErrNoInterface
		}
		return r.setEndpoints(netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("216.66.80.26"))
	}
	ctx := context.Background()
	src, dst, err := TunnelEndpoints(ctx, "gif0", "/nonexistent/ifconfig")
	if err != nil || src != netip.MustParseAddr("198.51.100.7") || dst != netip.MustParseAddr("216.66.80.26") {
		t.Errorf("TunnelEndpoints = %v --> %v, %v", src, dst, err)
	}
	if _, _, err := TunnelEndpoints(ctx, "gif1", "/nonexistent/ifconfig"); !errors.Is(err, ErrNoInterface) || err.Error() != "gif1: no such interface" {
		t.Errorf("gif1: %v, want ErrNoInterface", err)
	}
	if _, _, err := TunnelEndpoints(ctx, "-a", "/nonexistent/ifconfig"); err == nil || err.Error() != `"-a": not an interface name` {
		t.Errorf("-a: %v", err)
	}
	setPledged("stdio rpath proc exec")
	getTunnel = func(*laddrreq) error { t.Fatal("ioctl after pledge"); return nil }
	if src, _, err := TunnelEndpoints(ctx, "gif0", fakeIfconfig(t, gif0Output)); err != nil || src != netip.MustParseAddr("192.0.2.10") {
		t.Errorf("after pledge: %v, %v", src, err)
	}
}

func FuzzParseIfconfigTunnel(f *testing.F) {
	f.Add([]byte(gif0Output))
	f.Add([]byte("\ttunnel: (unset) ttl 64 nodf ecn\n"))
	f.Add([]byte("\ttunnel: inet6 fe80::1%em0 --> 2001:db8::2 ttl 64 nodf ecn rdomain 1\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		src, dst, err := ParseIfconfigTunnel(out)
		if err != nil {
			if src.IsValid() || dst.IsValid() {
				t.Fatalf("error %v with addresses %v %v", err, src, dst)
			}
			return
		}
		if !src.IsValid() || !dst.IsValid() {
			t.Fatalf("success with invalid addresses %v %v", src, dst)
		}
		if src.Is4() != dst.Is4() {
			t.Fatalf("mixed families %v %v", src, dst)
		}
		// What was parsed, printed the way ifconfig prints it, parses the
		// same again.
		fam := "inet"
		if src.Is6() {
			fam = "inet6"
		}
		again := "\ttunnel: " + fam + " " + src.String() + " --> " + dst.String() + " ttl 64\n"
		src2, dst2, err := ParseIfconfigTunnel([]byte(again))
		if err != nil || src2 != src || dst2 != dst {
			t.Fatalf("reparse of %q: %v %v %v", again, src2, dst2, err)
		}
	})
}

func BenchmarkParseIfconfigTunnel(b *testing.B) {
	out := []byte(gif0Output)
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if _, _, err := ParseIfconfigTunnel(out); err != nil {
			b.Fatal(err)
		}
	}
}
