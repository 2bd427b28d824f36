package bsd

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Compiles only if addrwatch.go's types are x/sys/unix's.
var _ = [1]struct{}{}[rtmNewAddr^unix.RTM_NEWADDR|rtmDelAddr^unix.RTM_DELADDR|
	rtmIfInfo^unix.RTM_IFINFO|rtmIfAnnounce^unix.RTM_IFANNOUNCE|rtmDesync^unix.RTM_DESYNC]

// routeMsgFilter is ROUTE_MSGFILTER (sys/net/route.h; x/sys/unix lacks it):
// at level AF_ROUTE, an unsigned int of bits ROUTE_FILTER(type), 1<<type.
const routeMsgFilter = 1

// OpenAddrWatch opens a routing socket filtered to address, link and
// interface changes; RTM_DESYNC passes any filter (sys/net/rtsock.c 1.388,
// route_input, rtm_senddesync). Call it before Plan.Apply, as resolvd(8)
// does: pledge(2) refuses socket(AF_ROUTE) and its setsockopt under every
// promise (kern_pledge.c 1.333, pledge_socket, pledge_sockopt); reading
// the open socket is stdio.
func OpenAddrWatch() (*AddrWatch, error) {
	fd, err := unix.Socket(unix.AF_ROUTE, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.AF_UNSPEC)
	if err != nil {
		return nil, fmt.Errorf("routing socket: %w", err)
	}
	filter := 1<<rtmNewAddr | 1<<rtmDelAddr | 1<<rtmIfInfo | 1<<rtmIfAnnounce | 1<<rtmDesync
	if err := unix.SetsockoptInt(fd, unix.AF_ROUTE, routeMsgFilter, filter); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("routing socket: ROUTE_MSGFILTER: %w", err)
	}
	return newAddrWatch(fd, "routing socket", routeNotices), nil
}
