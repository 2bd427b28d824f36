package bsd

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Compiles only if tunnel.go's values are this GOARCH's x/sys/unix's.
var _ = [1]struct{}{}[siocGLIFPHYADDR^unix.SIOCGLIFPHYADDR|ifNameSize^unix.IFNAMSIZ|
	bsdAFInet^unix.AF_INET|bsdAFInet6^unix.AF_INET6|
	sockaddrInLen^unix.SizeofSockaddrInet4|sockaddrIn6Len^unix.SizeofSockaddrInet6]

// getTunnel fills r with SIOCGLIFPHYADDR: EADDRNOTAVAIL (no endpoints,
// gif_get_tunnel in sys/net/if_gif.c) is ErrNoTunnel, ENXIO ErrNoInterface.
var getTunnel = func(r *laddrreq) error {
	// Any socket will do; ifconfig uses AF_INET SOCK_DGRAM (getsock).
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	// x/sys/unix has no ioctl taking a pointer. Go routes SYS_IOCTL to
	// libc's ioctl stub (Go issue 63900), so this works on OpenBSD 7.5+
	// without syscall(2). The pointer is converted in the call (rule 4).
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(unix.SIOCGLIFPHYADDR), uintptr(unsafe.Pointer(&r[0])))
	switch errno {
	case 0:
		return nil
	case unix.EADDRNOTAVAIL:
		return ErrNoTunnel
	case unix.ENXIO:
		return ErrNoInterface
	}
	return fmt.Errorf("SIOCGLIFPHYADDR: %w", errno)
}
