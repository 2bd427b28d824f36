package ugif

// ipv6HeaderLen is the fixed IPv6 header; anything shorter is not a packet.
const ipv6HeaderLen = 40

// isIPv6 reports whether b looks like an IPv6 packet: version 6 and at least
// a whole header. gif(4) hands protocol 41 payloads to ip6_input, which
// drops anything else; the same check guards the TUN side.
func isIPv6(b []byte) bool {
	return len(b) >= ipv6HeaderLen && b[0]>>4 == 6
}

// ecnBits returns the two ECN bits of an IPv6 packet's traffic class, which
// gif(4) with "ecn" copies into the outer TOS.
func ecnBits(b []byte) int {
	tc := (b[0]&0x0f)<<4 | b[1]>>4
	return int(tc & 0x03)
}
