//go:build !openbsd

package bsd

import (
	"bufio"
	"bytes"
	"os"
	"strings"
)

// DefaultRoute6Via says whether the kernel has an IPv6 default route out of
// interface ifname. Off OpenBSD this is for the simulation: Linux lists its
// IPv6 routes in /proc/net/ipv6_route, one a line: destination (32 hex
// digits), prefix length (2), source, its length, next hop, metric,
// reference count, use, flags, device.
func DefaultRoute6Via(ifname string) (bool, error) {
	data, err := os.ReadFile("/proc/net/ipv6_route")
	return linuxDefaultRoute6(data, ifname), err
}

func linuxDefaultRoute6(data []byte, ifname string) bool {
	for sc := bufio.NewScanner(bytes.NewReader(data)); sc.Scan(); {
		f := strings.Fields(sc.Text())
		if len(f) == 10 && f[0] == strings.Repeat("0", 32) && f[1] == "00" && f[9] == ifname {
			return true
		}
	}
	return false
}
