package bsd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrNoTunnel is a gif without tunnel endpoints.
var ErrNoTunnel = errors.New("no tunnel endpoints set")

// TunnelEndpoints returns gif ifname's tunnel source and destination with
// the SIOCGLIFPHYADDR ioctl, as ifconfig(8) does (phys_status). Off OpenBSD,
// or once a Plan is applied (no promise allows the ioctl: kern_pledge.c,
// pledge_ioctl), it uses IfconfigEndpoints, which needs proc and exec.
func TunnelEndpoints(ctx context.Context, ifname, ifconfigPath string) (src, dst netip.Addr, err error) {
	if getTunnel == nil || pledged.Load() != nil {
		return IfconfigEndpoints(ctx, ifname, ifconfigPath)
	}
	if err := checkIfname(ifname); err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	var req laddrreq // the name NUL-padded, all else zero
	copy(req[:], ifname)
	if err = getTunnel(&req); err == nil {
		src, dst, err = req.endpoints()
	}
	if err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: %w", ifname, err)
	}
	return src, dst, nil
}

// checkIfname refuses names too long for iflr_name (15 bytes and a NUL) and
// ifconfig(8) options ("-a"); it allows the simulation's "veth-r".
func checkIfname(ifname string) error {
	switch {
	case len(ifname) >= ifNameSize:
		return fmt.Errorf("%s: interface name too long", ifname)
	case ifname == "" || ifname[0] == '-' || strings.ContainsFunc(ifname, func(r rune) bool { return r <= ' ' || r == '/' || r >= 0x7f }):
		return fmt.Errorf("%q: not an interface name", ifname)
	}
	return nil
}

// IfconfigEndpoints parses `IFCONFIGPATH IFNAME`, run by Run (unpledged).
func IfconfigEndpoints(ctx context.Context, ifname, ifconfigPath string) (src, dst netip.Addr, err error) {
	if err := checkIfname(ifname); err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	out, err := Run(ctx, []string{ifconfigPath, ifname})
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	if src, dst, err = ParseIfconfigTunnel(out); err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: %w", ifname, err)
	}
	return src, dst, nil
}

// ParseIfconfigTunnel finds the tunnel line in the output of `ifconfig IF`
// on OpenBSD (sbin/ifconfig/ifconfig.c, phys_status and print_tunnel):
//
//	\ttunnel: inet 192.0.2.1 --> 216.66.80.26 ttl 64 nodf ecn
//	\ttunnel: inet6 2001:db8::1 --> 2001:db8::2 ttl 64 nodf ecn rdomain 1
//	\ttunnel: (unset) ttl 64 nodf ecn
//
// "(unset)" is ErrNoTunnel; a link-local IPv6 endpoint keeps its "%em0" zone.
func ParseIfconfigTunnel(out []byte) (src, dst netip.Addr, err error) {
	var tunnels [][]string
	for l := range strings.Lines(string(out)) {
		if rest, ok := strings.CutPrefix(strings.TrimLeft(l, " \t"), "tunnel:"); ok {
			tunnels = append(tunnels, strings.Fields(rest))
		}
	}
	if len(tunnels) != 1 {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("ifconfig printed %d tunnel lines, not one", len(tunnels))
	}
	fields := tunnels[0]
	switch {
	case len(fields) > 0 && fields[0] == "(unset)":
		return netip.Addr{}, netip.Addr{}, ErrNoTunnel
	case len(fields) < 4 || fields[2] != "-->":
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel line %q: want \"inet SRC --> DST\"", strings.Join(fields, " "))
	case fields[0] != "inet" && fields[0] != "inet6":
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel line: unknown family %q", fields[0])
	}
	if src, err = parseTunnelAddr(fields[1], fields[0]); err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel source: %w", err)
	}
	if dst, err = parseTunnelAddr(fields[3], fields[0]); err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel destination: %w", err)
	}
	return src, dst, nil
}

// parseTunnelAddr parses an endpoint of family inet or inet6 as print_tunnel
// prints it; a gif has no port (print_tunnel adds a nonzero ":PORT", for vxlan).
func parseTunnelAddr(s, family string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Is4() != (family == "inet") || a.Is4In6() {
		return netip.Addr{}, fmt.Errorf("%q is not an %s address", s, family)
	}
	return a, nil
}

// SIOCGLIFPHYADDR's argument, OpenBSD's struct if_laddrreq (sys/net/if.h):
//
//	struct if_laddrreq {
//		char iflr_name[IFNAMSIZ];          //   0, 16 bytes
//		unsigned int flags;                //  16
//		unsigned int prefixlen;            //  20
//		struct sockaddr_storage addr;      //  24, 256 bytes, 8-aligned
//		struct sockaddr_storage dstaddr;   // 280, 256 bytes
//	};                                     // 536 = 0x218
//
// Offsets into a byte array, not a Go struct, keep the layout free of Go's
// alignment and tested on every OS; copyin/copyout need no alignment.
const (
	ifNameSize          = 16  // IFNAMSIZ, sys/net/if.h
	sockaddrStorageSize = 256 // sizeof(struct sockaddr_storage), sys/sys/socket.h

	laddrreqAddrOff    = ifNameSize + 4 + 4
	laddrreqDstaddrOff = laddrreqAddrOff + sockaddrStorageSize
	laddrreqSize       = laddrreqDstaddrOff + sockaddrStorageSize

	// OpenBSD's address family numbers and sockaddr sizes (sys/sys/socket.h,
	// netinet/in.h, netinet6/in6.h), not Linux's (AF_INET6 is 10 there).
	bsdAFInet       = 2
	bsdAFInet6      = 24
	sockaddrInLen   = 16 // sin_len, sin_family, sin_port, sin_addr[4], sin_zero[8]
	sockaddrIn6Len  = 28 // sin6_len, sin6_family, sin6_port, sin6_flowinfo, sin6_addr[16], sin6_scope_id
	sockaddrIn6Addr = 8  // offset of sin6_addr
	sockaddrIn6Zone = 24 // offset of sin6_scope_id

	siocGLIFPHYADDR = 0xc218694b // _IOWR('i', 75, struct if_laddrreq), sys/sys/sockio.h
)

type laddrreq [laddrreqSize]byte

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

// parseSockaddr reads the sockaddr_in or sockaddr_in6 at b, as
// gif_get_tunnel (sys/net/if_gif.c) writes them. A link-local scope id
// (in6_recoverscope) becomes the zone as a number (ifconfig(8) prints a name).
func parseSockaddr(b []byte) (netip.Addr, error) {
	salen, family := int(b[0]), b[1]
	switch {
	case family == bsdAFInet && salen == sockaddrInLen:
		return netip.AddrFrom4([4]byte(b[4:8])), nil
	case family == bsdAFInet6 && salen == sockaddrIn6Len:
		a := netip.AddrFrom16([16]byte(b[sockaddrIn6Addr:]))
		if id := binary.NativeEndian.Uint32(b[sockaddrIn6Zone:]); id != 0 {
			a = a.WithZone(strconv.FormatUint(uint64(id), 10))
		}
		return a, nil
	}
	return netip.Addr{}, fmt.Errorf("sockaddr of family %d and length %d", family, salen)
}
