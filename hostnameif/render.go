package hostnameif

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
)

// Spec is what gifctl knows about a tunnel when it has to write a missing
// hostname.if: all of it typed, so that nothing unparsed reaches the file.
type Spec struct {
	Source netip.Addr // our end: egress's IPv4 address
	Remote netip.Addr // the broker's IPv4 address
	Inet6  netip.Addr // the tunnel's inner IPv6 address, ours
	Peer   netip.Addr // the broker's inner IPv6 address, the default route
	MTU    int        // 0 leaves gif's default (1280)
}

// header is the first line Render writes, so that an admin who opens the
// file knows which of its lines gifctl will touch.
const header = "# written by gifctl(8); later runs change only the tunnel line\n"

// gif(4) takes an MTU from 1280 to 8192 (sys/net/if_gif.c).
const (
	minMTU = 1280
	maxMTU = 8192
)

// Render returns the whole hostname.if for a Spec, in this order:
//
//	# written by gifctl(8); later runs change only the tunnel line
//	tunnel 192.0.2.10 216.66.80.26
//	inet6 2001:db8:1::2 128
//	dest 2001:db8:1::1
//	mtu 1480
//	!route -qn add -inet6 default 2001:db8:1::1
//
// The tunnel comes first so that the endpoints exist before the address is
// set; the mtu line is left out when MTU is 0; the default route comes last,
// once the peer is reachable. Every value is printed from its netip.Addr or
// int (IPv6 lowercase and compressed).
func Render(s Spec) ([]byte, error) {
	if !s.Remote.IsValid() {
		return nil, errors.New("missing remote: the broker's IPv4 address is needed to write hostname.if")
	}
	if !s.Inet6.IsValid() || !s.Peer.IsValid() {
		return nil, errors.New("missing inet6 ... peer: the tunnel's IPv6 addresses are needed to write hostname.if")
	}
	if err := checkEndpoint("source", s.Source); err != nil {
		return nil, err
	}
	if err := checkEndpoint("destination", s.Remote); err != nil {
		return nil, fmt.Errorf("remote: %w", err)
	}
	if err := checkInner("inet6", s.Inet6); err != nil {
		return nil, err
	}
	if err := checkInner("peer", s.Peer); err != nil {
		return nil, err
	}
	if s.Inet6 == s.Peer {
		return nil, fmt.Errorf("inet6 %s: the same address as its peer", s.Inet6)
	}
	if s.MTU != 0 && (s.MTU < minMTU || s.MTU > maxMTU) {
		return nil, fmt.Errorf("mtu %d: out of gif's range %d-%d", s.MTU, minMTU, maxMTU)
	}

	b := make([]byte, 0, 256)
	b = append(b, header...)
	b = append(b, "tunnel "...)
	b = s.Source.AppendTo(b)
	b = append(b, ' ')
	b = s.Remote.AppendTo(b)
	b = append(b, "\ninet6 "...)
	b = s.Inet6.AppendTo(b)
	b = append(b, " 128\ndest "...)
	b = s.Peer.AppendTo(b)
	b = append(b, '\n')
	if s.MTU != 0 {
		b = append(b, "mtu "...)
		b = strconv.AppendInt(b, int64(s.MTU), 10)
		b = append(b, '\n')
	}
	b = append(b, "!route -qn add -inet6 default "...)
	b = s.Peer.AppendTo(b)
	b = append(b, '\n')
	return b, nil
}

// checkInner refuses anything but a global-looking IPv6 address without a
// zone: the line is run by a root shell, and a zone is free text.
func checkInner(what string, a netip.Addr) error {
	switch {
	case !a.Is6() || a.Is4In6():
		return fmt.Errorf("%s %s: not an IPv6 address", what, a)
	case a.Zone() != "":
		return fmt.Errorf("%s %s: an address with a zone", what, a)
	case a.IsUnspecified(), a.IsMulticast(), a.IsLoopback():
		return fmt.Errorf("%s %s: not a unicast address", what, a)
	}
	return nil
}
