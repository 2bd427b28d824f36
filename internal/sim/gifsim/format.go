package gifsim

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
)

// OpenBSD's interface flags (sys/net/if.h), in bit order: the names
// ifconfig prints in flags=HEX<...> (sbin/ifconfig IFFBITS).
var bsdFlagNames = []struct {
	bit  uint32
	name string
}{
	{0x1, "UP"}, {0x2, "BROADCAST"}, {0x4, "DEBUG"}, {0x8, "LOOPBACK"},
	{0x10, "POINTOPOINT"}, {0x20, "STATICARP"}, {0x40, "RUNNING"}, {0x80, "NOARP"},
	{0x100, "PROMISC"}, {0x200, "ALLMULTI"}, {0x400, "OACTIVE"}, {0x800, "SIMPLEX"},
	{0x1000, "LINK0"}, {0x2000, "LINK1"}, {0x4000, "LINK2"}, {0x8000, "MULTICAST"},
}

// bsdFlags translates Linux interface flags to what OpenBSD would show for
// the same interface: RUNNING follows UP (drivers and gif set it when the
// interface comes up), Ethernet is SIMPLEX, and a TUN's NOARP is Linux's
// business (a gif shows none).
func bsdFlags(info ifInfo) uint32 {
	var f uint32
	has := func(s string) bool { return slices.Contains(info.Flags, s) }
	set := map[string]uint32{
		"UP": 0x1, "BROADCAST": 0x2, "DEBUG": 0x4, "LOOPBACK": 0x8,
		"POINTOPOINT": 0x10, "PROMISC": 0x100, "ALLMULTI": 0x200, "MULTICAST": 0x8000,
	}
	for name, bit := range set {
		if has(name) {
			f |= bit
		}
	}
	if has("UP") {
		f |= 0x40
	}
	if has("NOARP") && info.Gif == nil && info.LinkType != "none" {
		f |= 0x80
	}
	if info.LinkType == "ether" {
		f |= 0x800
	}
	return f
}

// printb renders flags the way ifconfig's printb does: "flags=8051<UP,...>".
func printb(label string, v uint32) string {
	var names []string
	for _, b := range bsdFlagNames {
		if v&b.bit != 0 {
			names = append(names, b.name)
		}
	}
	return fmt.Sprintf("%s=%x<%s>", label, v, strings.Join(names, ","))
}

// formatIf writes info the way OpenBSD's ifconfig IF prints an interface
// (sbin/ifconfig/ifconfig.c: status, phys_status, in_status, in6_alias):
// the status lines, the gif's tunnel line, then one line per address.
func formatIf(w io.Writer, info ifInfo) {
	flags := bsdFlags(info)
	fmt.Fprintf(w, "%s: %s mtu %d\n", info.Name, printb("flags", flags), info.MTU)
	if info.LinkType == "ether" && info.LLAddr != "" {
		fmt.Fprintf(w, "\tlladdr %s\n", info.LLAddr)
	}
	if info.Description != "" {
		fmt.Fprintf(w, "\tdescription: %s\n", info.Description)
	}
	fmt.Fprintf(w, "\tindex %d priority 0 llprio 3\n", info.Index)
	var groups []string
	if info.Gif != nil {
		groups = append(groups, "gif")
	}
	if info.LinkType == "loopback" {
		groups = append(groups, "lo")
	}
	if info.Egress {
		groups = append(groups, "egress")
	}
	if len(groups) > 0 {
		fmt.Fprintf(w, "\tgroups: %s\n", strings.Join(groups, " "))
	}
	if info.LinkType == "ether" {
		fmt.Fprintf(w, "\tmedia: Ethernet autoselect (1000baseT full-duplex)\n")
		status := "no carrier"
		if slices.Contains(info.Flags, "LOWER_UP") {
			status = "active"
		}
		fmt.Fprintf(w, "\tstatus: %s\n", status)
	}
	if info.Gif != nil {
		// gif(4)'s defaults: ttl 64, DF clear, ECN allowed.
		fmt.Fprintf(w, "\ttunnel: %s ttl 64 nodf ecn\n", info.Gif.Endpoints)
	}
	p2p := flags&0x10 != 0
	for _, a := range info.Addrs {
		if a.Prefix.Addr().Is4() {
			formatInet(w, a, p2p, flags&0x2 != 0)
		}
	}
	for _, a := range info.Addrs {
		if !a.Prefix.Addr().Is4() {
			formatInet6(w, info, a, p2p)
		}
	}
}

func formatInet(w io.Writer, a ifAddr, p2p, broadcast bool) {
	fmt.Fprintf(w, "\tinet %s", a.Prefix.Addr())
	if p2p {
		peer := a.Peer
		if !peer.IsValid() {
			peer = netip.IPv4Unspecified()
		}
		fmt.Fprintf(w, " --> %s", peer)
	}
	var mask uint32
	if bits := a.Prefix.Bits(); bits > 0 {
		mask = ^uint32(0) << (32 - bits)
	}
	fmt.Fprintf(w, " netmask 0x%x", mask)
	if broadcast {
		b := a.Broadcast
		if !b.IsValid() {
			b = broadcastOf(a.Prefix)
		}
		fmt.Fprintf(w, " broadcast %s", b)
	}
	fmt.Fprintln(w)
}

// broadcastOf is the all-ones host address of p's subnet, which OpenBSD
// always sets on a broadcast interface (Linux only when asked).
func broadcastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	for i := p.Bits(); i < 32; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom4(b)
}

func formatInet6(w io.Writer, info ifInfo, a ifAddr, p2p bool) {
	addr := a.Prefix.Addr()
	scoped := addr.IsLinkLocalUnicast()
	if scoped {
		fmt.Fprintf(w, "\tinet6 %s%%%s", addr, info.Name)
	} else {
		fmt.Fprintf(w, "\tinet6 %s", addr)
	}
	if p2p {
		// No destination: ifconfig's getnameinfo of an empty address
		// prints nothing, hence the double blank.
		peer := ""
		if a.Peer.IsValid() {
			peer = a.Peer.String()
		}
		fmt.Fprintf(w, " --> %s", peer)
	}
	fmt.Fprintf(w, " prefixlen %d", a.Prefix.Bits())
	if scoped {
		fmt.Fprintf(w, " scopeid 0x%x", info.Index)
	}
	fmt.Fprintln(w)
}
