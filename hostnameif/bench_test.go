package hostnameif

import (
	"net/netip"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	data := []byte(heFile)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Parse(data)
	}
}

func BenchmarkRender(b *testing.B) {
	s := heSpec()
	s.MTU = 1480
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetTunnel(b *testing.B) {
	data := []byte(heFile)
	src := netip.MustParseAddr("198.51.100.7")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data).SetTunnel("gif0", src, netip.Addr{}); err != nil {
			b.Fatal(err)
		}
	}
}
