package bsd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrNoTunnel is wrapped by TunnelEndpoints and
// ParseIfconfigTunnel when the interface exists but has no tunnel endpoints
// set: the kernel answers SIOCGLIFPHYADDR with EADDRNOTAVAIL and ifconfig(8)
// prints "tunnel: (unset)".
var ErrNoTunnel = errors.New("no tunnel endpoints set")

// checkIfname refuses names the kernel cannot hold in iflr_name (15 bytes
// and a NUL) and names that ifconfig(8) would take for an option ("-a").
// It is deliberately looser than gifctl.conf's ^[a-z]+[0-9]+$: the
// simulation on Linux uses names like "veth-r".
func checkIfname(ifname string) error {
	switch {
	case ifname == "":
		return errors.New("empty interface name")
	case len(ifname) >= ifNameSize:
		return fmt.Errorf("%s: interface name too long", ifname)
	case ifname[0] == '-':
		return fmt.Errorf("%q: not an interface name", ifname)
	case strings.ContainsFunc(ifname, func(r rune) bool { return r <= ' ' || r == '/' || r >= 0x7f }):
		return fmt.Errorf("%q: not an interface name", ifname)
	}
	return nil
}

// IfconfigEndpoints runs `IFCONFIGPATH IFNAME` (through Run, so bounded by
// ctx) and returns the tunnel endpoints it prints. It is how endpoints are
// read where the ioctl is not available: off OpenBSD, and on OpenBSD after
// pledge(2), which allows no SIOCGLIFPHYADDR (kern_pledge.c, pledge_ioctl)
// but lets an exec'd ifconfig run unrestricted. gifctl watch reads them so
// on every wake, under its plan.
func IfconfigEndpoints(ctx context.Context, ifname, ifconfigPath string) (src, dst netip.Addr, err error) {
	if err := checkIfname(ifname); err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	out, err := Run(ctx, []string{ifconfigPath, ifname})
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	src, dst, err = ParseIfconfigTunnel(out)
	if err != nil {
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
// "(unset)" is an error wrapping ErrNoTunnel. What follows the destination
// (ttl, df, ecn, rdomain) is not needed and not checked. A link-local IPv6
// endpoint keeps its "%em0" zone.
func ParseIfconfigTunnel(out []byte) (src, dst netip.Addr, err error) {
	var line []byte
	for rest := out; len(rest) > 0; {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\n"))
		f := bytes.TrimLeft(l, " \t")
		if !bytes.HasPrefix(f, []byte("tunnel:")) {
			continue
		}
		if line != nil {
			return netip.Addr{}, netip.Addr{}, errors.New("ifconfig printed several tunnel lines")
		}
		line = f[len("tunnel:"):]
	}
	if line == nil {
		return netip.Addr{}, netip.Addr{}, errors.New("ifconfig printed no tunnel line")
	}
	fields := strings.Fields(string(line))
	if len(fields) > 0 && fields[0] == "(unset)" {
		return netip.Addr{}, netip.Addr{}, ErrNoTunnel
	}
	if len(fields) < 4 || fields[2] != "-->" {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel line %q: want \"inet SRC --> DST\"", strings.TrimSpace(string(line)))
	}
	var want6 bool
	switch fields[0] {
	case "inet":
	case "inet6":
		want6 = true
	default:
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel line: unknown family %q", fields[0])
	}
	src, err = parseTunnelAddr(fields[1], want6)
	if err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel source: %w", err)
	}
	dst, err = parseTunnelAddr(fields[3], want6)
	if err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel destination: %w", err)
	}
	return src, dst, nil
}

// parseTunnelAddr parses one endpoint as print_tunnel prints it. A gif
// endpoint has no port (print_tunnel adds ":PORT" only when it is not 0, for
// vxlan and the like), so an address with a port is refused rather than
// guessed at.
func parseTunnelAddr(s string, want6 bool) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("bad address %q", s)
	}
	if a.Is4() == want6 || a.Is4In6() {
		return netip.Addr{}, fmt.Errorf("address %q of the wrong family", s)
	}
	return a, nil
}
