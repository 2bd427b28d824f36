package bsd

import (
	"context"
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Compile-time checks that the portable layout in laddrreq.go matches
// x/sys/unix for this GOARCH: each pair of array lengths is non-negative
// only when the two values are equal.
var (
	_ [siocGLIFPHYADDR - unix.SIOCGLIFPHYADDR]struct{}
	_ [unix.SIOCGLIFPHYADDR - siocGLIFPHYADDR]struct{}
	_ [siocSLIFPHYADDR - unix.SIOCSLIFPHYADDR]struct{}
	_ [unix.SIOCSLIFPHYADDR - siocSLIFPHYADDR]struct{}
	_ [ifNameSize - unix.IFNAMSIZ]struct{}
	_ [unix.IFNAMSIZ - ifNameSize]struct{}
	_ [bsdAFInet - unix.AF_INET]struct{}
	_ [unix.AF_INET - bsdAFInet]struct{}
	_ [bsdAFInet6 - unix.AF_INET6]struct{}
	_ [unix.AF_INET6 - bsdAFInet6]struct{}
	_ [sockaddrInLen - unix.SizeofSockaddrInet4]struct{}
	_ [unix.SizeofSockaddrInet4 - sockaddrInLen]struct{}
	_ [sockaddrIn6Len - unix.SizeofSockaddrInet6]struct{}
	_ [unix.SizeofSockaddrInet6 - sockaddrIn6Len]struct{}
)

// TunnelEndpoints returns gif interface ifname's tunnel source and
// destination with the SIOCGLIFPHYADDR ioctl, as ifconfig(8) does
// (phys_status). An interface without endpoints (EADDRNOTAVAIL from
// gif_get_tunnel) gives invalid addresses and an error wrapping ErrNoTunnel.
//
// pledge(2) allows this ioctl under no promise, and a forbidden ioctl kills
// the process (pledge_ioctl ends in pledge_fail). So once a Plan is applied
// the endpoints are read with `IFCONFIGPATH IFNAME` instead, which needs
// the plan to allow proc and exec.
func TunnelEndpoints(ctx context.Context, ifname, ifconfigPath string) (src, dst netip.Addr, err error) {
	if pledgedPromises() != nil {
		return IfconfigEndpoints(ctx, ifname, ifconfigPath)
	}
	req, err := newLaddrreq(ifname)
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	// Any socket will do for interface ioctls; ifconfig uses an AF_INET
	// datagram socket (getsock). No plan is applied here, so no promise
	// is involved.
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: socket: %w", ifname, err)
	}
	defer unix.Close(fd)
	// x/sys/unix exports no ioctl taking an arbitrary pointer. Go's
	// syscall package reroutes SYS_IOCTL to libc's ioctl stub (Go issue
	// 63900), so this works on OpenBSD 7.5+ where the syscall(2) indirection
	// is gone. The pointer is converted in the call expression itself, as
	// unsafe.Pointer rule 4 requires.
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(unix.SIOCGLIFPHYADDR), uintptr(unsafe.Pointer(&req[0])))
	switch {
	case errno == unix.EADDRNOTAVAIL:
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: %w", ifname, ErrNoTunnel)
	case errno == unix.ENXIO:
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: %w", ifname, ErrNoInterface)
	case errno != 0:
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: SIOCGLIFPHYADDR: %w", ifname, error(errno))
	}
	src, dst, err = req.endpoints()
	if err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: %w", ifname, err)
	}
	return src, dst, nil
}
