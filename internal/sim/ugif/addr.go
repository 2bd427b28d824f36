package ugif

import (
	"net"
	"net/netip"
)

// netipFrom converts a packet's source address, unmapped so it compares
// equal to an IPv4 endpoint.
func netipFrom(a *net.IPAddr) (netip.Addr, bool) {
	if a == nil {
		return netip.Addr{}, false
	}
	ip, ok := netip.AddrFromSlice(a.IP)
	return ip.Unmap(), ok
}
