package heartbeat

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMessage(t *testing.T) {
	tests := []struct {
		name     string
		inner    string
		sender   string
		unix     int64
		password string
		want     string
	}{
		{
			// The heartbeat README's vector, reproduced with md5sum.
			"readme vector", "2001:db8::2", "10.100.13.42", 1063665852, "hartslag",
			"HEARTBEAT TUNNEL 2001:db8::2 10.100.13.42 1063665852 da46fdc28f568bb62d29661f73758095",
		},
		{
			// Upper case, uncompressed: written lowercase compressed, so the
			// hash is the same as for the vector's address.
			"canonical form", "2001:0DB8:0000:0000:0000:0000:0000:0002", "10.100.13.42", 1063665852, "hartslag",
			"HEARTBEAT TUNNEL 2001:db8::2 10.100.13.42 1063665852 da46fdc28f568bb62d29661f73758095",
		},
		{
			// echo -n 'HEARTBEAT TUNNEL 2001:db8:ffff:1a2b::2 sender 1700000000 hartslag' | md5sum
			"sender", "2001:db8:ffff:1a2b::2", Sender, 1700000000, "hartslag",
			"HEARTBEAT TUNNEL 2001:db8:ffff:1a2b::2 sender 1700000000 919e78b71c307406edceb1f94f1f98b2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Message(netip.MustParseAddr(tt.inner), tt.sender, time.Unix(tt.unix, 0), tt.password)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckClock(t *testing.T) {
	built := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		now   time.Time
		built time.Time
		want  string
	}{
		{"after the build", built.Add(time.Hour), built, ""},
		{"at the build", built, built, ""},
		{"no build time", time.Unix(0, 0), time.Time{}, ""},
		{"booted in 1970", time.Unix(0, 0), built,
			"clock says 1970-01-01T00:00:00Z, before gifctl was built (2025-06-01): the PoP drops heartbeats more than 2m0s off its clock; set the time first (rdate, ntpd)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := CheckClock(tt.now, tt.built); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkMessage(b *testing.B) {
	inner := netip.MustParseAddr("2001:db8:ffff:1a2b::2")
	now := time.Unix(1700000000, 0)
	for b.Loop() {
		Message(inner, Sender, now, "hartslag")
	}
}
