package probe

import (
	"net/netip"
	"slices"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// matcher says whether a packet answers this Any call, by the package comment's
// rules.
type matcher struct {
	family  Family
	id      uint16
	targets []netip.Addr         // as family.fit gives them, zones dropped
	sent    map[uint16]time.Time // sequence number -> when its round left
}

// match says whether b, ICMP from from, is a valid reply, and when its request
// left.
func (m *matcher) match(b []byte, from netip.Addr) (time.Time, bool) {
	var reply icmp.Type = ipv6.ICMPTypeEchoReply
	if m.family == IPv4 {
		if !checksumOK(b) { // raw sockets get ICMPv4 unchecked
			return time.Time{}, false
		}
		reply = ipv4.ICMPTypeEchoReply
	}
	msg, err := icmp.ParseMessage(reply.Protocol(), b)
	if err != nil || msg.Type != reply {
		return time.Time{}, false
	}
	echo, ok := msg.Body.(*icmp.Echo)
	if !ok || echo.ID != int(m.id) {
		return time.Time{}, false
	}
	at, ok := m.sent[uint16(echo.Seq)]
	from, _ = m.family.fit(from.WithZone(""))
	return at, ok && slices.Contains(m.targets, from)
}

// checksumOK verifies the Internet checksum (RFC 1071) of b.
func checksumOK(b []byte) bool {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return sum == 0xffff
}
