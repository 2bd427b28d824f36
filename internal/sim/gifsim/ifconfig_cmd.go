package gifsim

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// ifconfigMain is the ifconfig(8) stand-in.
func ifconfigMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gifsim ifconfig", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ctl := fs.String("ctl", ctlDir(), "control `directory` of the userspace gifs")
	fs.Bool("A", false, "ignored: every interface is shown with all its addresses")
	fs.Bool("a", false, "ignored: as without arguments")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return ifconfig(newHost(*ctl), fs.Args(), stdout, stderr)
}

// ifconfig runs one ifconfig command line (without the program name) the
// way OpenBSD's does, for the subset gifctl and netstart use:
//
//	ifconfig                          every interface
//	ifconfig IF                       one interface; "IF: no such interface", 1
//	ifconfig IF create                a gif: start its daemon
//	ifconfig IF [inet|inet6] ARGS...  up, down, mtu N, tunnel S D, -tunnel,
//	                                  description T, -description, ADDR [DEST],
//	                                  netmask M, prefixlen N, broadcast B, alias,
//	                                  inet autoconf (see dhcpleased)
//
// As in ifconfig.c, a fatal error (errx) prints and stops with status 1; a
// failed ioctl (warn) prints and goes on, and the status stays 0.
func ifconfig(h host, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		all, err := h.Interfaces()
		if err != nil {
			fmt.Fprintf(stderr, "ifconfig: %v\n", err)
			return 1
		}
		for _, info := range all {
			formatIf(stdout, info)
		}
		return 0
	}
	name, args := args[0], args[1:]
	errx := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ifconfig: "+format+"\n", a...)
		return 1
	}
	if len(args) == 0 {
		info, err := h.Interface(name)
		if errors.Is(err, errNoSuchInterface) {
			fmt.Fprintf(stderr, "%s: no such interface\n", name)
			return 1
		}
		if err != nil {
			return errx("%s: %v", name, err)
		}
		formatIf(stdout, info)
		return 0
	}

	_, err := h.Interface(name)
	exists := err == nil
	if err != nil && !errors.Is(err, errNoSuchInterface) {
		return errx("%s: %v", name, err)
	}
	if args[0] == "create" {
		if exists {
			return errx("%s: SIOCIFCREATE: File exists", name)
		}
		args = args[1:]
	}
	if !exists {
		// ifconfig creates a missing cloneable interface before it
		// configures it (getinfo with create set).
		if !isGifName(name) {
			return errx("%s: SIOCGIFFLAGS: Device not configured", name)
		}
		if err := h.Create(name); err != nil {
			return errx("%s: SIOCIFCREATE: %v", name, err)
		}
	}
	return configure(h, name, args, stderr)
}

// addrArgs collects what ifconfig applies last: the address, its
// destination and mask.
type addrArgs struct {
	af        string // "inet" or "inet6"
	addrs     []string
	netmask   string
	prefixlen string
	broadcast string
}

func configure(h host, name string, args []string, stderr io.Writer) int {
	warn := func(format string, a ...any) { fmt.Fprintf(stderr, "ifconfig: "+format+"\n", a...) }
	errx := func(format string, a ...any) int { warn(format, a...); return 1 }
	a := addrArgs{af: "inet"}
	if len(args) > 0 && (args[0] == "inet" || args[0] == "inet6") {
		a.af, args = args[0], args[1:]
	}
	for i := 0; i < len(args); i++ {
		w := args[i]
		// need returns the n arguments after w, or ok false.
		need := func(n int) ([]string, bool) {
			if i+n >= len(args) {
				return nil, false
			}
			v := args[i+1 : i+1+n]
			i += n
			return v, true
		}
		switch w {
		case "up", "down":
			if err := h.SetUp(name, w == "up"); err != nil {
				return errx("%s: SIOCSIFFLAGS: %v", name, err)
			}
		case "mtu":
			v, ok := need(1)
			if !ok {
				return errx("'mtu' requires argument")
			}
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 0 {
				return errx("mtu %s: invalid", v[0])
			}
			if err := h.SetMTU(name, n); err != nil {
				warn("SIOCSIFMTU: %v", err)
			}
		case "tunnel":
			v, ok := need(2)
			if !ok {
				return errx("'tunnel' requires 2 arguments")
			}
			ep, err := ugif.ParseEndpoints(v[0], v[1])
			if err != nil {
				return errx("error in parsing address string: %v", err)
			}
			if err := h.SetTunnel(name, ep); err != nil {
				warn("SIOCSLIFPHYADDR: %v", err)
			}
		case "-tunnel":
			if err := h.SetTunnel(name, ugif.Endpoints{}); err != nil {
				warn("SIOCDIFPHYADDR: %v", err)
			}
		case "description", "descr":
			v, ok := need(1)
			if !ok {
				return errx("'%s' requires argument", w)
			}
			if err := h.SetDescription(name, v[0]); err != nil {
				warn("SIOCSIFDESCR: %v", err)
			}
		case "-description", "-descr":
			if err := h.SetDescription(name, ""); err != nil {
				warn("SIOCSIFDESCR: %v", err)
			}
		case "netmask", "prefixlen", "broadcast":
			v, ok := need(1)
			if !ok {
				return errx("'%s' requires argument", w)
			}
			switch w {
			case "netmask":
				a.netmask = v[0]
			case "prefixlen":
				a.prefixlen = v[0]
			default:
				a.broadcast = v[0]
			}
		case "autoconf":
			if a.af != "inet" || len(a.addrs) > 0 {
				return errx("%s %s: not simulated by the gifsim stand-in", a.af, w)
			}
			if err := h.Autoconf(name); err != nil {
				warn("%s: autoconf: %v", name, err)
			}
		case "alias":
			// Adding is all this stand-in does with addresses anyway.
		default:
			if strings.HasPrefix(w, "-") || w == "delete" || len(a.addrs) == 2 {
				return errx("%s: not simulated by the gifsim stand-in", w)
			}
			a.addrs = append(a.addrs, w)
		}
	}
	if len(a.addrs) == 0 {
		return 0
	}
	// Setting an address marks the interface up, as on OpenBSD. Up first:
	// Linux adds the peer route of an address only on an interface that is
	// up when the address comes.
	p, peer, err := parseAddress(a)
	if err != nil {
		return errx("%v", err)
	}
	if err := h.SetUp(name, true); err != nil {
		return errx("%s: SIOCSIFFLAGS: %v", name, err)
	}
	add := h.AddInet
	if a.af == "inet6" {
		add = h.AddInet6
	}
	if err := add(name, p, peer); err != nil {
		return errx("%s: SIOCAIFADDR: %v", name, err)
	}
	return 0
}

// parseAddress reads the collected address arguments. The prefix length
// defaults like ifconfig's: 128 for an inet6 address with a destination
// (OpenBSD does that for point-to-point links), 64 otherwise; inet without
// a netmask is /32 with a destination and /24 without.
func parseAddress(a addrArgs) (p netip.Prefix, peer netip.Addr, err error) {
	addr, err := netip.ParseAddr(a.addrs[0])
	if err != nil || (a.af == "inet") != addr.Is4() {
		return p, peer, fmt.Errorf("%s: bad value", a.addrs[0])
	}
	if len(a.addrs) == 2 {
		if peer, err = netip.ParseAddr(a.addrs[1]); err != nil || peer.Is4() != addr.Is4() {
			return p, peer, fmt.Errorf("%s: bad value", a.addrs[1])
		}
	}
	bits := 24
	switch {
	case a.af == "inet6" && a.prefixlen != "":
		if bits, err = strconv.Atoi(a.prefixlen); err != nil || bits < 0 || bits > 128 {
			return p, peer, fmt.Errorf("%s: bad value", a.prefixlen)
		}
	case a.af == "inet6" && peer.IsValid():
		bits = 128
	case a.af == "inet6":
		bits = 64
	case a.netmask != "":
		if bits, err = maskBits(a.netmask); err != nil {
			return p, peer, err
		}
	case peer.IsValid():
		bits = 32
	}
	return netip.PrefixFrom(addr, bits), peer, nil
}

// maskBits parses an IPv4 netmask, dotted (255.255.255.0) or hex
// (0xffffff00), and returns its length; the mask must be contiguous.
func maskBits(s string) (int, error) {
	var m uint32
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return 0, fmt.Errorf("%s: bad value", s)
		}
		m = uint32(v)
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() {
			return 0, fmt.Errorf("%s: bad value", s)
		}
		b := a.As4()
		m = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	bits := 0
	for bits < 32 && m&(1<<(31-bits)) != 0 {
		bits++
	}
	if bits < 32 && m<<bits != 0 {
		return 0, fmt.Errorf("%s: netmask not contiguous", s)
	}
	return bits, nil
}
