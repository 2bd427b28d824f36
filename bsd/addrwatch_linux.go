package bsd

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// netlinkNotices is Linux's rtnetlink (linux/netlink.h, linux/rtnetlink.h):
//
//	struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }  // 16 bytes
//	struct ifaddrmsg { u8 family, prefixlen, flags, scope; u32 index; }   // RTM_*ADDR
//	struct ifinfomsg { u8 family, pad; u16 type; s32 index; u32 flags, change; } // RTM_*LINK
//
// so the interface index is at 20 in both; messages start at multiples of
// 4 (NLMSG_ALIGN).
var netlinkNotices = &noticeFormat{
	lenSize: 4, align: 4,
	typeOff: 4, typeSize: 2,
	indexOff: 20, indexSize: 4,
	wake: map[int]string{
		unix.RTM_NEWADDR: "RTM_NEWADDR",
		unix.RTM_DELADDR: "RTM_DELADDR",
		unix.RTM_NEWLINK: "RTM_NEWLINK",
		unix.RTM_DELLINK: "RTM_DELLINK",
	},
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
	return newAddrWatch(fd, "netlink socket", netlinkNotices), nil
}
