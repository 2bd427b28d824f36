//go:build !openbsd && !linux

package bsd

import (
	"fmt"
	"runtime"
)

// OpenAddrWatch fails: address changes are read from OpenBSD's routing
// socket, or Linux's netlink for the simulation, and from nothing else.
func OpenAddrWatch() (*AddrWatch, error) {
	return nil, fmt.Errorf("watching address changes is not implemented on %s", runtime.GOOS)
}
