package hostnameif

import (
	"net/netip"
	"strconv"
)

// Inet6 returns the tunnel's inner address and its peer from the first
// `inet6 [alias] A PREFIXLEN` line (A/PREFIXLEN is accepted too) whose next
// command is `dest P`: netstart splices P in and runs
// `ifconfig IF inet6 A P prefixlen PREFIXLEN`. A point-to-point gif has
// PREFIXLEN 128; any length from 0 to 128 is accepted. ok is false when no
// line pair names two IPv6 addresses.
func (f *File) Inet6() (addr, peer netip.Addr, ok bool) {
	for i := range f.lines {
		l := &f.lines[i]
		if !l.terminated {
			break
		}
		a, found := inet6Addr(args(l.fields))
		if !found {
			continue
		}
		p, found := f.destAfter(i)
		if !found {
			continue
		}
		return a, p, true
	}
	return netip.Addr{}, netip.Addr{}, false
}

// inet6Addr parses the address of an `inet6` line with a prefix length.
func inet6Addr(w []string) (netip.Addr, bool) {
	if len(w) < 2 || w[0] != "inet6" {
		return netip.Addr{}, false
	}
	w = w[1:]
	if w[0] == "alias" {
		w = w[1:]
	}
	var a netip.Addr
	switch {
	case len(w) == 1:
		p, err := netip.ParsePrefix(w[0])
		if err != nil {
			return netip.Addr{}, false
		}
		a = p.Addr()
	case len(w) >= 2:
		n, err := strconv.Atoi(w[1])
		if err != nil || n < 0 || n > 128 {
			return netip.Addr{}, false
		}
		if a, err = parseAddr(w[0]); err != nil {
			return netip.Addr{}, false
		}
	default:
		return netip.Addr{}, false
	}
	if !a.Is6() || a.Is4In6() {
		return netip.Addr{}, false
	}
	return a, true
}

// destAfter returns P of a `dest P` line when that is the next line after
// line i that changes netstart's list of commands.
func (f *File) destAfter(i int) (netip.Addr, bool) {
	for _, l := range f.lines[i+1:] {
		if !l.terminated {
			return netip.Addr{}, false
		}
		w := l.fields
		switch {
		case isComment(w):
			continue
		case w[0] == "dest" && len(w) == 2: // netstart counts words, comments included
			p, err := parseAddr(w[1])
			if err != nil || !p.Is6() || p.Is4In6() {
				return netip.Addr{}, false
			}
			return p, true
		case w[0] == "dest", (w[0] == "inet" || w[0] == "inet6") && len(w) == 1:
			continue // netstart ignores these lines
		default:
			return netip.Addr{}, false
		}
	}
	return netip.Addr{}, false
}
