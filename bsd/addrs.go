package bsd

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// Errors wrapped with the interface's name.
var (
	ErrNoInterface = errors.New("no such interface") // it does not exist
	ErrNoIPv4      = errors.New("no IPv4 address")   // lease lost, cable out
)

// IPv4Addrs returns the IPv4 addresses of interface ifname in kernel order.
func IPv4Addrs(ifname string) ([]netip.Addr, error) {
	l, err := ReadLink(ifname)
	return l.IPv4(), err
}

// Link is what the kernel says of an interface.
type Link struct {
	Up    bool
	MTU   int
	Addrs []netip.Addr // IPv4 and IPv6, in kernel order
}

// IPv4 returns the link's IPv4 addresses, IPv4-mapped ones unmapped.
func (l Link) IPv4() []netip.Addr {
	var v4 []netip.Addr
	for _, a := range l.Addrs {
		if a = a.Unmap(); a.Is4() {
			v4 = append(v4, a)
		}
	}
	return v4
}

// ReadLink reads interface ifname: on OpenBSD with getifaddrs(3)'s sysctl
// NET_RT_IFLIST, which pledge(2) allows under inet, route or dns
// (kern_pledge.c, pledge_sysctl, "getifaddrs()"); on Linux a netlink dump.
func ReadLink(ifname string) (Link, error) {
	if err := checkPledged("read "+ifname+"'s addresses", "inet", "route", "dns"); err != nil {
		return Link{}, err
	}
	ifs, err := net.Interfaces() // not InterfaceByName: its "not found" is unexported
	if err != nil {
		return Link{}, fmt.Errorf("%s: %w", ifname, UnwrapOp(err))
	}
	i := slices.IndexFunc(ifs, func(ifi net.Interface) bool { return ifi.Name == ifname })
	if i < 0 {
		return Link{}, fmt.Errorf("%s: %w", ifname, ErrNoInterface)
	}
	l := Link{Up: ifs[i].Flags&net.FlagUp != 0, MTU: ifs[i].MTU}
	addrs, err := ifs[i].Addrs()
	if err != nil {
		return Link{}, fmt.Errorf("%s: %w", ifname, UnwrapOp(err))
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			// Go hands IPv4 addresses out as 16-byte slices on some systems.
			if ip, ok := netip.AddrFromSlice(ipn.IP); ok {
				l.Addrs = append(l.Addrs, ip.Unmap())
			}
		}
	}
	return l, nil
}

// UnwrapOp drops a *net.OpError's "op net addr:" for callers that name the
// interface or address themselves: "sendto: network is down" remains.
func UnwrapOp(err error) error {
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Err != nil {
		return op.Err
	}
	return err
}

// ChooseSource picks the tunnel source among addrs, egress ifname's IPv4
// addresses in kernel order: the first of prefer (the kernel's source, then
// hostname.IF's) still there, so a new address never moves a working
// tunnel; else the first. others, the rest, are for the log; none: ErrNoIPv4.
func ChooseSource(ifname string, addrs []netip.Addr, prefer ...netip.Addr) (chosen netip.Addr, others []netip.Addr, err error) {
	v4 := Link{Addrs: addrs}.IPv4()
	if len(v4) == 0 {
		return netip.Addr{}, nil, fmt.Errorf("%s: %w", ifname, ErrNoIPv4)
	}
	pick := 0
	for _, p := range prefer {
		if i := slices.Index(v4, p.Unmap()); p.IsValid() && i >= 0 {
			pick = i
			break
		}
	}
	chosen = v4[pick]
	return chosen, slices.Delete(v4, pick, pick+1), nil
}

// Consistent, the one rule of check tunnel, status and restart, says what
// is wrong with tunnel's src --> dst: src must be one of addrs (egress's
// IPv4 addresses; any, as ChooseSource keeps it), dst remote when known.
func Consistent(tunnel, egress string, addrs []netip.Addr, src, dst, remote netip.Addr) error {
	switch {
	case len(addrs) == 0:
		return fmt.Errorf("%s: %w", egress, ErrNoIPv4)
	case !slices.Contains(addrs, src):
		return fmt.Errorf("%s: tunnel source %s is not %s's address (%s)", tunnel, src, egress, JoinAddrs(addrs))
	case remote.IsValid() && dst != remote:
		return fmt.Errorf("%s: tunnel destination %s is not the remote %s", tunnel, dst, remote)
	}
	return nil
}

// JoinAddrs lists addresses for a message: "192.0.2.1, 192.0.2.2".
func JoinAddrs(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// cgnat is RFC 6598's shared address space, used by carrier-grade NAT.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// IsCGNAT reports whether a is in cgnat: 6in4 needs protocol 41 passed.
func IsCGNAT(a netip.Addr) bool { return cgnat.Contains(a.Unmap()) }

// notPublic are the IPv4 ranges a broker cannot reach as myip, and why. The
// documentation ranges are missing on purpose: tests use them as public.
var notPublic = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `in "this network" (0.0.0.0/8)`},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},                 // RFC 1918
	{cgnat, "a CGNAT address (6in4 works only if the ISP passes protocol 41)"}, // RFC 6598
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},  // RFC 1918
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"}, // RFC 1918
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved or broadcast address"},
}

// NotPublic says why a broker cannot reach addr as myip, or "" if it can.
func NotPublic(addr netip.Addr) string {
	if addr = addr.Unmap(); !addr.Is4() {
		return "not an IPv4 address"
	}
	for _, r := range notPublic {
		if r.prefix.Contains(addr) {
			return r.why
		}
	}
	return ""
}
