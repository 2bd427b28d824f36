package broker

import (
	"net/netip"
	"testing"
)

func TestIsPublicIPv4(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"198.51.100.7", true}, // documentation ranges count as public, on purpose
		{"203.0.113.1", true},
		{"8.8.8.8", true},
		{"::ffff:8.8.8.8", true},
		{"100.63.255.255", true},
		{"100.128.0.0", true},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"100.64.0.1", false},
		{"100.127.255.255", false},
		{"127.0.0.1", false},
		{"169.254.1.1", false},
		{"0.0.0.0", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"2001:db8::1", false},
	} {
		if got := isPublicIPv4(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("isPublicIPv4(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
	if isPublicIPv4(netip.Addr{}) {
		t.Errorf("the zero Addr is public")
	}
}
