package faults

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/hostnameif"
)

// FuzzIfconfigErrors feeds ifconfig output (a stand-in, or a changed
// ifconfig(8)) to bsd.ParseIfconfigTunnel and wants every error clear: it
// reaches syslog through restart and check tunnel. bsd's own target checks
// the addresses. Seeds: testdata/fuzz/FuzzIfconfigErrors.
func FuzzIfconfigErrors(f *testing.F) {
	f.Add([]byte("gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280\n\ttunnel: inet 192.0.2.1 --> 216.66.80.26 ttl 64 nodf ecn\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		_, _, err := bsd.ParseIfconfigTunnel(out)
		if err == nil {
			return
		}
		if why := Unclear(err.Error()); why != "" {
			t.Fatalf("error %q: %s", err, why)
		}
		if errors.Is(err, bsd.ErrNoTunnel) && !containsUnset(out) {
			t.Fatalf("error %q for output without \"(unset)\"", err)
		}
	})
}

func containsUnset(out []byte) bool {
	for i := 0; i+len("(unset)") <= len(out); i++ {
		if string(out[i:i+len("(unset)")]) == "(unset)" {
			return true
		}
	}
	return false
}

// FuzzSetTunnelErrors edits any hostname.if with hostnameif.SetTunnel, as
// restart does with the admin's file, and wants every refusal clear and
// the file untouched by it. hostnameif's own target checks the edit.
// Seeds: testdata/fuzz/FuzzSetTunnelErrors.
func FuzzSetTunnelErrors(f *testing.F) {
	f.Add([]byte("tunnel 192.0.2.1 216.66.80.26\ninet6 2001:db8::2 128\ndest 2001:db8::1\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, keepDest bool) {
		file := hostnameif.Parse(data)
		dst := netip.MustParseAddr("216.66.80.26")
		if keepDest {
			dst = netip.Addr{}
		}
		warnings, err := file.SetTunnel("gif0", netip.MustParseAddr("198.51.100.7"), dst)
		for _, w := range warnings {
			if why := Unclear(w); why != "" {
				t.Fatalf("warning %q: %s", w, why)
			}
		}
		if err == nil {
			return
		}
		if why := Unclear(err.Error()); why != "" {
			t.Fatalf("error %q: %s", err, why)
		}
		if string(file.Bytes()) != string(data) {
			t.Fatalf("SetTunnel failed (%v) and changed the file", err)
		}
	})
}
