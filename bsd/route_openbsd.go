package bsd

import (
	"fmt"
	"net"

	"golang.org/x/net/route"
	"golang.org/x/sys/unix"
)

// DefaultRoute6Via says whether an IPv6 default route leaves by ifname, read
// with sysctl NET_RT_DUMP as route(8) show does. Call it before Plan.Apply.
func DefaultRoute6Via(ifname string) (bool, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return false, fmt.Errorf("%s: %w", ifname, ErrNoInterface)
	}
	b, err := route.FetchRIB(unix.AF_INET6, route.RIBTypeRoute, 0)
	if err != nil {
		return false, err
	}
	msgs, err := route.ParseRIB(route.RIBTypeRoute, b)
	if err != nil {
		return false, err
	}
	for _, m := range msgs {
		rm, ok := m.(*route.RouteMessage)
		if ok && rm.Flags&unix.RTF_UP != 0 && rm.Index == ifi.Index && len(rm.Addrs) > unix.RTAX_NETMASK &&
			zeroAddr(rm.Addrs[unix.RTAX_DST]) && zeroAddr(rm.Addrs[unix.RTAX_NETMASK]) {
			return true, nil
		}
	}
	return false, nil
}

// zeroAddr is an absent address or ::, as the default route's are.
func zeroAddr(a route.Addr) bool {
	a6, ok := a.(*route.Inet6Addr)
	return a == nil || ok && a6.IP == [16]byte{}
}
