package bsd

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrNoTunnel is wrapped by TunnelEndpoints and ParseIfconfigTunnel when the
// interface exists but has no tunnel endpoints set: the kernel answers
// SIOCGLIFPHYADDR with EADDRNOTAVAIL and ifconfig(8) prints "tunnel: (unset)".
var ErrNoTunnel = errors.New("no tunnel endpoints set")

// TunnelEndpoints returns gif interface ifname's tunnel source and
// destination with the SIOCGLIFPHYADDR ioctl, as ifconfig(8) does
// (phys_status). Off OpenBSD there is no such ioctl, and on OpenBSD once a
// Plan is applied no promise allows it (kern_pledge.c, pledge_ioctl: a
// forbidden ioctl kills the process): then they are read with
// IfconfigEndpoints, which needs the plan to allow proc and exec.
func TunnelEndpoints(ctx context.Context, ifname, ifconfigPath string) (src, dst netip.Addr, err error) {
	if getTunnel == nil || pledged.Load() != nil {
		return IfconfigEndpoints(ctx, ifname, ifconfigPath)
	}
	req, err := newLaddrreq(ifname)
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	if err = getTunnel(req); err == nil {
		src, dst, err = req.endpoints()
	}
	if err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: %w", ifname, err)
	}
	return src, dst, nil
}

// checkIfname refuses names the kernel cannot hold in iflr_name (15 bytes
// and a NUL) and names that ifconfig(8) would take for an option ("-a").
// It is looser than gifctl.conf's ^[a-z]+[0-9]+$: the simulation on Linux
// uses names like "veth-r".
func checkIfname(ifname string) error {
	switch {
	case ifname == "":
		return errors.New("empty interface name")
	case len(ifname) >= ifNameSize:
		return fmt.Errorf("%s: interface name too long", ifname)
	case ifname[0] == '-' || strings.ContainsFunc(ifname, func(r rune) bool { return r <= ' ' || r == '/' || r >= 0x7f }):
		return fmt.Errorf("%q: not an interface name", ifname)
	}
	return nil
}

// IfconfigEndpoints runs `IFCONFIGPATH IFNAME` (through Run, so bounded by
// ctx) and returns the tunnel endpoints it prints. An exec'd ifconfig runs
// unrestricted, so this works under any plan with proc and exec: gifctl
// watch reads them so on every wake.
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
// "(unset)" is an error wrapping ErrNoTunnel. What follows the destination
// (ttl, df, ecn, rdomain) is not checked. A link-local IPv6 endpoint keeps
// its "%em0" zone.
func ParseIfconfigTunnel(out []byte) (src, dst netip.Addr, err error) {
	var fields []string
	found := false
	for l := range strings.Lines(string(out)) {
		rest, ok := strings.CutPrefix(strings.TrimLeft(l, " \t"), "tunnel:")
		if !ok {
			continue
		}
		if found {
			return netip.Addr{}, netip.Addr{}, errors.New("ifconfig printed several tunnel lines")
		}
		found, fields = true, strings.Fields(rest)
	}
	switch {
	case !found:
		return netip.Addr{}, netip.Addr{}, errors.New("ifconfig printed no tunnel line")
	case len(fields) > 0 && fields[0] == "(unset)":
		return netip.Addr{}, netip.Addr{}, ErrNoTunnel
	case len(fields) < 4 || fields[2] != "-->":
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel line %q: want \"inet SRC --> DST\"", strings.Join(fields, " "))
	case fields[0] != "inet" && fields[0] != "inet6":
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel line: unknown family %q", fields[0])
	}
	want6 := fields[0] == "inet6"
	if src, err = parseTunnelAddr(fields[1], want6); err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel source: %w", err)
	}
	if dst, err = parseTunnelAddr(fields[3], want6); err != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("tunnel destination: %w", err)
	}
	return src, dst, nil
}

// parseTunnelAddr parses one endpoint as print_tunnel prints it. A gif
// endpoint has no port (print_tunnel adds ":PORT" only when it is not 0, for
// vxlan and the like), so an address with a port is refused, not guessed at.
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
