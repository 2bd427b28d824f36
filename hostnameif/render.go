package hostnameif

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
)

// The MTU range gif(4) accepts (sys/net/if_gif.h, GIF_MTU_MIN and GIF_MTU_MAX).
const (
	MinMTU = 1280
	MaxMTU = 8192
)

// Spec is the typed tunnel from which gifctl writes a missing hostname.if.
type Spec struct {
	Source netip.Addr // our end: egress's IPv4 address
	Remote netip.Addr // the broker's IPv4 address
	Inet6  netip.Addr // the tunnel's inner IPv6 address, ours
	Peer   netip.Addr // the broker's inner IPv6 address, the default route
	MTU    int        // 0 leaves gif's default (1280)
}

// Render returns the whole hostname.if for a Spec, every value printed from
// its netip.Addr or int:
//
//	# written by gifctl(8); later runs change only the tunnel line
//	tunnel 192.0.2.10 216.66.80.26
//	inet6 2001:db8:1::2 128
//	dest 2001:db8:1::1
//	mtu 1480
//	!route -qn add -inet6 default 2001:db8:1::1
//
// The endpoints exist before the address is set, and the default route
// comes last, once the peer is reachable; MTU 0 writes no mtu line.
func Render(s Spec) ([]byte, error) {
	err := cmp.Or(checkEndpoint("tunnel source", s.Source), checkEndpoint("remote: tunnel destination", s.Remote),
		checkInner("inet6", s.Inet6), checkInner("peer", s.Peer))
	switch {
	case !s.Remote.IsValid():
		return nil, errors.New("missing remote: the broker's IPv4 address is needed to write hostname.if")
	case !s.Inet6.IsValid() || !s.Peer.IsValid():
		return nil, errors.New("missing inet6 ... peer: the tunnel's IPv6 addresses are needed to write hostname.if")
	case err != nil:
		return nil, err
	case s.Inet6 == s.Peer:
		return nil, fmt.Errorf("inet6 %s: the same address as its peer", s.Inet6)
	case s.MTU != 0 && (s.MTU < MinMTU || s.MTU > MaxMTU):
		return nil, fmt.Errorf("mtu %d: out of gif's range %d-%d", s.MTU, MinMTU, MaxMTU)
	}

	b := fmt.Appendf(nil, "# written by gifctl(8); later runs change only the tunnel line\n"+
		"tunnel %s %s\ninet6 %s 128\ndest %s\n", s.Source, s.Remote, s.Inet6, s.Peer)
	if s.MTU != 0 {
		b = fmt.Appendf(b, "mtu %d\n", s.MTU)
	}
	return fmt.Appendf(b, "!route -qn add -inet6 default %s\n", s.Peer), nil
}

// checkInner refuses all but a unicast IPv6 address without a zone: a zone
// is free text, and a root shell runs the line.
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
