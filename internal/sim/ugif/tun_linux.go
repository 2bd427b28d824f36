package ugif

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openTUN creates (or attaches to) the TUN device name, raw IP packets
// without the packet-information header, like a gif's DLT_NULL-free view.
// The descriptor is non-blocking so Go's poller owns it and Close wakes a
// blocked Read.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: open /dev/net/tun: %w", name, err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: TUNSETIFF: %w", name, err)
	}
	return os.NewFile(uintptr(fd), "/dev/net/tun:"+name), nil
}

// withInetSocket runs f with an AF_INET datagram socket, the handle the
// interface ioctls (flags, MTU) need.
func withInetSocket(f func(fd int) error) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return f(fd)
}

// SetMTU sets interface name's MTU (SIOCSIFMTU).
func SetMTU(name string, mtu int) error {
	return withInetSocket(func(fd int) error {
		ifr, err := unix.NewIfreq(name)
		if err != nil {
			return err
		}
		ifr.SetUint32(uint32(mtu))
		if err := unix.IoctlIfreq(fd, unix.SIOCSIFMTU, ifr); err != nil {
			return fmt.Errorf("%s: mtu %d: %w", name, mtu, err)
		}
		return nil
	})
}

// SetUp brings interface name up or down (SIOCSIFFLAGS), like
// `ifconfig IF up` and `ifconfig IF down`.
func SetUp(name string, up bool) error {
	return withInetSocket(func(fd int) error {
		ifr, err := unix.NewIfreq(name)
		if err != nil {
			return err
		}
		if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
			return fmt.Errorf("%s: SIOCGIFFLAGS: %w", name, err)
		}
		flags := ifr.Uint16()
		if up {
			flags |= unix.IFF_UP
		} else {
			flags &^= unix.IFF_UP
		}
		ifr.SetUint16(flags)
		if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
			return fmt.Errorf("%s: SIOCSIFFLAGS: %w", name, err)
		}
		return nil
	})
}
