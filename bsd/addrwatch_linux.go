package bsd

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// netlinkWakes are the rtnetlink notices that report a change.
var netlinkWakes = map[uint16]string{unix.RTM_NEWADDR: "RTM_NEWADDR", unix.RTM_DELADDR: "RTM_DELADDR",
	unix.RTM_NEWLINK: "RTM_NEWLINK", unix.RTM_DELLINK: "RTM_DELLINK"}

// parseNetlinkNotices is parseRouteNotices for Linux's rtnetlink
// (linux/netlink.h, linux/rtnetlink.h):
//
//	struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }  // 16 bytes
//	struct ifaddrmsg { u8 family, prefixlen, flags, scope; u32 index; }   // RTM_*ADDR
//	struct ifinfomsg { u8 family, pad; u16 type; s32 index; u32 flags, change; } // RTM_*LINK
//
// so the interface index is at 20 in both; messages start at multiples of
// 4 (NLMSG_ALIGN).
func parseNetlinkNotices(b []byte) ([]string, error) {
	var woke []string
	for len(b) > 0 {
		if len(b) < 4 {
			return woke, fmt.Errorf("%d bytes left, too few for a length", len(b))
		}
		n := int(binary.NativeEndian.Uint32(b))
		if n < 4 || n > len(b) {
			return woke, fmt.Errorf("length %d with %d bytes left", n, len(b))
		}
		m := b[:n]
		b = b[min(len(b), (n+3)&^3):]
		if n < 6 {
			return woke, fmt.Errorf("length %d, too short for a type", n)
		}
		name, ok := netlinkWakes[binary.NativeEndian.Uint16(m[4:])]
		if !ok {
			continue
		}
		if n < 24 {
			return woke, fmt.Errorf("%s of %d bytes, too short for an interface index", name, n)
		}
		woke = append(woke, fmt.Sprintf("%s on interface %d", name, binary.NativeEndian.Uint32(m[20:])))
	}
	return woke, nil
}

// OpenAddrWatch opens a netlink socket subscribed to IPv4 address changes
// and link changes. Linux is where the simulation and the tests run; the
// router runs OpenBSD, where the routing socket does this.
func OpenAddrWatch() (*AddrWatch, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	sa := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: unix.RTMGRP_IPV4_IFADDR | unix.RTMGRP_LINK}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("netlink socket: bind: %w", err)
	}
	return newAddrWatch(fd, "netlink socket", parseNetlinkNotices), nil
}
