package broker

import "net/netip"

// notPublic are the IPv4 ranges a broker cannot reach: sending one as myip
// would point the tunnel nowhere, so Update leaves myip out and the broker
// takes the request's source address (the NAT's public one). The
// documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are
// deliberately missing: tests and the simulation use them as public
// addresses.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("10.0.0.0/8"),     // RFC 1918
	netip.MustParsePrefix("100.64.0.0/10"),  // RFC 6598, CGNAT
	netip.MustParsePrefix("127.0.0.0/8"),    // loopback
	netip.MustParsePrefix("169.254.0.0/16"), // link-local
	netip.MustParsePrefix("172.16.0.0/12"),  // RFC 1918
	netip.MustParsePrefix("192.168.0.0/16"), // RFC 1918
	netip.MustParsePrefix("224.0.0.0/4"),    // multicast
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
}

// isPublicIPv4 says whether addr may be sent as myip.
func isPublicIPv4(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.Is4() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}
