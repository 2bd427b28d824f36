package bsd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
)

// The byte layout of OpenBSD's struct if_laddrreq (sys/net/if.h), the
// argument of SIOCGLIFPHYADDR:
//
//	struct if_laddrreq {
//		char iflr_name[IFNAMSIZ];          //   0, 16 bytes
//		unsigned int flags;                //  16
//		unsigned int prefixlen;            //  20
//		struct sockaddr_storage addr;      //  24, 256 bytes, 8-aligned
//		struct sockaddr_storage dstaddr;   // 280, 256 bytes
//	};                                     // 536 = 0x218
//
// It is written as offsets into a byte array, not a Go struct, so the
// layout does not depend on the Go compiler's alignment and is tested on
// every OS. The kernel copies it in and out (copyin/copyout), so the array
// needs no alignment.
const (
	ifNameSize          = 16  // IFNAMSIZ, sys/net/if.h
	sockaddrStorageSize = 256 // sizeof(struct sockaddr_storage), sys/sys/socket.h

	laddrreqAddrOff    = ifNameSize + 4 + 4
	laddrreqDstaddrOff = laddrreqAddrOff + sockaddrStorageSize
	laddrreqSize       = laddrreqDstaddrOff + sockaddrStorageSize
)

// OpenBSD's address family numbers and sockaddr sizes (sys/sys/socket.h,
// netinet/in.h, netinet6/in6.h), not Linux's (AF_INET6 is 10 there).
const (
	bsdAFUnspec     = 0
	bsdAFInet       = 2
	bsdAFInet6      = 24
	sockaddrInLen   = 16 // sin_len, sin_family, sin_port, sin_addr[4], sin_zero[8]
	sockaddrIn6Len  = 28 // sin6_len, sin6_family, sin6_port, sin6_flowinfo, sin6_addr[16], sin6_scope_id
	sockaddrIn6Addr = 8  // offset of sin6_addr
	sockaddrIn6Zone = 24 // offset of sin6_scope_id
)

// siocGLIFPHYADDR is _IOWR('i', 75, struct if_laddrreq) (sys/sys/sockio.h);
// bits 16-28 (IOCPARM_MASK 0x1fff, sys/sys/ioccom.h) carry the argument's
// size, which the tests compare with laddrreqSize.
const siocGLIFPHYADDR = 0xc218694b

// laddrreq is a struct if_laddrreq as the kernel sees it.
type laddrreq [laddrreqSize]byte

// newLaddrreq returns a request for interface ifname: the name NUL-padded in
// iflr_name, everything else zero.
func newLaddrreq(ifname string) (*laddrreq, error) {
	if err := checkIfname(ifname); err != nil {
		return nil, err
	}
	var r laddrreq
	copy(r[:], ifname)
	return &r, nil
}

// endpoints decodes addr and dstaddr after SIOCGLIFPHYADDR.
func (r *laddrreq) endpoints() (src, dst netip.Addr, err error) {
	if src, err = parseSockaddr(r[laddrreqAddrOff:laddrreqDstaddrOff]); err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel source: %w", err)
	}
	if dst, err = parseSockaddr(r[laddrreqDstaddrOff:]); err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel destination: %w", err)
	}
	if src.Is4() != dst.Is4() {
		return netip.Addr{}, netip.Addr{}, errors.New("tunnel source and destination of different families")
	}
	return src, dst, nil
}

// parseSockaddr reads the sockaddr_in or sockaddr_in6 at the start of b, as
// gif_get_tunnel (sys/net/if_gif.c) writes them. A link-local IPv6 scope id
// (in6_recoverscope) becomes the address's zone, as a number: ifconfig(8)
// prints the interface's name there instead.
func parseSockaddr(b []byte) (netip.Addr, error) {
	salen, family := int(b[0]), b[1]
	switch family {
	case bsdAFInet:
		if salen != sockaddrInLen {
			return netip.Addr{}, fmt.Errorf("sockaddr_in with length %d", salen)
		}
		return netip.AddrFrom4([4]byte(b[4:8])), nil
	case bsdAFInet6:
		if salen != sockaddrIn6Len {
			return netip.Addr{}, fmt.Errorf("sockaddr_in6 with length %d", salen)
		}
		a := netip.AddrFrom16([16]byte(b[sockaddrIn6Addr:]))
		if id := binary.NativeEndian.Uint32(b[sockaddrIn6Zone:]); id != 0 {
			a = a.WithZone(strconv.FormatUint(uint64(id), 10))
		}
		return a, nil
	case bsdAFUnspec:
		return netip.Addr{}, errors.New("no address")
	}
	return netip.Addr{}, fmt.Errorf("unknown address family %d", family)
}
