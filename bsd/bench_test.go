package bsd

import "testing"

// BenchmarkIfconfigOutputs parses the outputs of `ifconfig gif0` that
// restart and check tunnel read back where the ioctl is not available:
// the configured HE tunnel, one in an rdomain, an IPv6 outer tunnel and
// an unset one (an error, the rarer path).
func BenchmarkIfconfigOutputs(b *testing.B) {
	outputs := []struct{ name, out string }{
		{"he", gif0Output},
		{"rdomain", "gif1: flags=8051<UP>\n\ttunnel: inet 198.51.100.7 --> 216.66.80.26 ttl 64 nodf ecn rdomain 3\n"},
		{"inet6", "gif2: flags=8051<UP>\n\ttunnel: inet6 2001:db8::1 --> 2001:db8::2 ttl 64 nodf ecn\n"},
		{"unset", "gif3: flags=8010<POINTOPOINT,MULTICAST> mtu 1280\n\ttunnel: (unset) ttl 64 nodf ecn\n"},
	}
	for _, o := range outputs {
		out := []byte(o.out)
		b.Run(o.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(out)))
			for b.Loop() {
				ParseIfconfigTunnel(out)
			}
		})
	}
}
