package bsd

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// ErrNoInterface is wrapped by IPv4Addrs when the interface does not exist.
var ErrNoInterface = errors.New("no such interface")

// ErrNoIPv4 is wrapped by ChooseSource when the interface has no IPv4 address
// (a DHCP lease was lost, the cable is out).
var ErrNoIPv4 = errors.New("no IPv4 address")

// IPv4Addrs returns the IPv4 addresses of interface ifname in the order the
// kernel lists them. On OpenBSD that is the sysctl NET_RT_IFLIST that
// getifaddrs(3) uses too, on Linux a netlink dump; after pledge(2) the
// sysctl needs one of the promises inet, route or dns (kern_pledge.c,
// pledge_sysctl, "getifaddrs()").
func IPv4Addrs(ifname string) ([]netip.Addr, error) {
	if err := checkPledged("read "+ifname+"'s addresses", "inet", "route", "dns"); err != nil {
		return nil, err
	}
	// net.InterfaceByName hides "not found" behind an unexported error;
	// looking the name up ourselves keeps the two cases apart.
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ifname, unwrapOp(err))
	}
	var ifi *net.Interface
	for i := range ifs {
		if ifs[i].Name == ifname {
			ifi = &ifs[i]
			break
		}
	}
	if ifi == nil {
		return nil, fmt.Errorf("%s: %w", ifname, ErrNoInterface)
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ifname, unwrapOp(err))
	}
	var v4 []netip.Addr
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(ipn.IP)
		if !ok {
			continue
		}
		// Go hands IPv4 addresses out as 16-byte slices on some systems.
		if ip = ip.Unmap(); ip.Is4() {
			v4 = append(v4, ip)
		}
	}
	return v4, nil
}

// unwrapOp drops the "route ip+net:" prefix of a *net.OpError: the callers
// name the interface themselves.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// ChooseSource picks the tunnel's source address among addrs, the IPv4
// addresses of egress interface ifname in kernel order (DESIGN.md, "Egress
// with several IPv4 addresses"):
//   - current (the tunnel's source now) when it is still among addrs, so a
//     second address appearing never moves a working tunnel;
//   - otherwise the first address listed.
//
// others are the remaining addresses, in order, for the caller to log.
// No address at all is an error wrapping ErrNoIPv4: "em0: no IPv4 address".
func ChooseSource(ifname string, addrs []netip.Addr, current netip.Addr) (chosen netip.Addr, others []netip.Addr, err error) {
	var v4 []netip.Addr
	for _, a := range addrs {
		if a = a.Unmap(); a.Is4() {
			v4 = append(v4, a)
		}
	}
	if len(v4) == 0 {
		return netip.Addr{}, nil, fmt.Errorf("%s: %w", ifname, ErrNoIPv4)
	}
	pick := 0
	cur := current.Unmap()
	for i, a := range v4 {
		if cur.IsValid() && a == cur {
			pick = i
			break
		}
	}
	others = make([]netip.Addr, 0, len(v4)-1)
	others = append(others, v4[:pick]...)
	others = append(others, v4[pick+1:]...)
	return v4[pick], others, nil
}

// cgnat is RFC 6598's shared address space, used by carrier-grade NAT.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// IsCGNAT reports whether a is in 100.64.0.0/10 (RFC 6598). An egress address
// there means the ISP NATs the router: 6in4 then works only if the ISP
// passes protocol 41, which gifctl warns about.
func IsCGNAT(a netip.Addr) bool {
	return cgnat.Contains(a.Unmap())
}
