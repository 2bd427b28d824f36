package hostnameif

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// SetTunnel points the tunnel of this file as hostname.IFNAME at src and, if
// valid, dst (IPv4 unicast: gif(4) carries IPv6 in IPv4), editing the last
// tunnel line, the one in force, or inserting one. It refuses a tunnel set
// by a ! line or a divergent line, or an edit after which netstart would run
// more than the new tunnel; other divergences are warnings. Warnings and
// errors are one line, naming lines, not the file; on error f is unchanged.
func (f *File) SetTunnel(ifname string, src, dst netip.Addr) (warnings []string, err error) {
	if err := checkAddr("tunnel source", src, true); err != nil {
		return nil, err
	}
	if err := checkAddr("tunnel destination", dst, true); dst.IsValid() && err != nil {
		return nil, err
	}
	cmds := f.Commands(ifname)
	target, tunnels := -1, 0 // the last line starting with tunnel, read or not
	for i, l := range f.lines {
		if len(l.words) > 0 && l.words[0] == "tunnel" {
			target, tunnels = i, tunnels+1
		}
	}
	if err := f.editable(cmds, target, ifname, src, dst); err != nil {
		return nil, err
	}

	var data []byte
	switch {
	case target < 0 && !dst.IsValid():
		return nil, errors.New("no tunnel line, and no destination to write one with")
	case target < 0:
		data = f.insertTunnel(src, dst)
	default:
		l := f.lines[target]
		if tunnels > 1 {
			warnings = append(warnings, fmt.Sprintf("%d tunnel lines; changed the last (line %d)", tunnels, l.num))
		}
		if data, dst, err = f.editTunnel(l, src, dst); err != nil {
			return nil, err
		}
		if !l.terminated {
			warnings = append(warnings, fmt.Sprintf("line %d had no newline at the end, so netstart ignored it; added one", l.num))
		}
	}

	nf := Parse(data)
	if err := checkEdit(cmds, nf, ifname, src, dst); err != nil {
		return nil, err
	}
	for _, d := range nf.Divergences(ifname) { // the rest of the file, not edited
		warnings = append(warnings, d.String())
	}
	*f = *nf
	return warnings, nil
}

// editable refuses an edit of f.lines[target] (-1: insertion) not run as meant.
func (f *File) editable(cmds []Command, target int, ifname string, src, dst netip.Addr) error {
	i := lastTunnel(cmds, ifname)
	if i < 0 {
		return nil
	}
	c := cmds[i]
	switch {
	case f.bang(c):
		return f.replaceBang(cmds, i, ifname, src, dst)
	case target >= 0 && !f.lines[target].terminated:
		return nil // the edit makes it the last line netstart reads
	}
	if err := diverges(f.Divergences(ifname), c); err != nil || target >= 0 && f.lines[target].num == c.Line {
		return err
	}
	return leftAlone(Divergence{c.Line, c.Eval,
		"the last command that touches the tunnel comes from this line, which gifctl does not edit"})
}

// diverges returns an error for the first divergence at c's line or changing c.
func diverges(divs []Divergence, c Command) error {
	for _, d := range divs {
		if d.Line == c.Line || d.Netstart == c.Eval {
			return leftAlone(d)
		}
	}
	return nil
}

func leftAlone(d Divergence) error {
	return errors.New(d.String() + "; left the file as it was")
}

// replaceBang refuses cmds[i], a ! line's tunnel, naming plain lines to use.
func (f *File) replaceBang(cmds []Command, i int, ifname string, src, dst netip.Addr) error {
	c := cmds[i]
	_, old, _ := endpoints(c, ifname)
	to := "SERVER-IPV4"
	if dst = cmp.Or(dst, old); dst.IsValid() {
		to = dst.String()
	}
	msg := fmt.Sprintf("line %d sets the tunnel in a ! line, which gifctl does not edit (netstart runs %q): replace it with %q",
		c.Line, c.Eval, "tunnel "+src.String()+" "+to)
	if j, addr, peer, plen := inner(cmds, ifname); j >= 0 && f.bang(cmds[j]) {
		msg += fmt.Sprintf(", and line %d with %q", cmds[j].Line, fmt.Sprintf("inet6 %s %d", addr, plen))
		if peer.IsValid() {
			msg += fmt.Sprintf(" then %q", "dest "+peer.String())
		}
	}
	return errors.New(msg)
}

// checkEdit checks that for the edited nf netstart runs before's commands
// but for one, changed or added: the last to touch the tunnel, on a plain
// line, naming src and dst (not so if a dest line follows an insertion).
func checkEdit(before []Command, nf *File, ifname string, src, dst netip.Addr) error {
	after := nf.Commands(ifname)
	p, s := 0, 0 // the commands alike at the start and at the end
	for p < len(before) && p < len(after) && before[p].Eval == after[p].Eval {
		p++
	}
	for s < len(before)-p && s < len(after)-p && before[len(before)-1-s].Eval == after[len(after)-1-s].Eval {
		s++
	}
	i := lastTunnel(after, ifname)
	if i < 0 {
		return errors.New("no tunnel line after the edit; left the file as it was")
	}
	c := after[i]
	changed := len(after) - s - p
	if from, to, ok := endpoints(c, ifname); !ok || from != src || dst.IsValid() && to != dst ||
		nf.bang(c) || changed > 1 || len(before)-s-p > 1 || changed == 1 && p != i {
		return fmt.Errorf("line %d: after the edit netstart would run %q; left the file as it was", c.Line, c.Eval)
	}
	return diverges(nf.Divergences(ifname), c)
}

// args returns a line's words up to one starting # (a comment to eval).
func args(w []string) []string {
	if i := slices.IndexFunc(w[1:], func(s string) bool { return s[0] == '#' }); i >= 0 {
		return w[:i+1]
	}
	return w
}

// checkAddr refuses all but a unicast address: IPv4 for the tunnel's ends,
// IPv6 without a zone (free text a root shell would run) inside.
func checkAddr(what string, a netip.Addr, want4 bool) error {
	switch {
	case !a.IsValid():
		return fmt.Errorf("%s: no address", what)
	case want4 && !a.Is4():
		return fmt.Errorf("%s %s: not an IPv4 address", what, a)
	case !want4 && (!a.Is6() || a.Is4In6()):
		return fmt.Errorf("%s %s: not an IPv6 address", what, a)
	case a.Zone() != "":
		return fmt.Errorf("%s %s: an address with a zone", what, a)
	case a.IsUnspecified(), a.IsMulticast(), !want4 && a.IsLoopback(),
		a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return fmt.Errorf("%s %s: not a unicast address", what, a)
	}
	return nil
}

// insertTunnel returns the bytes with a tunnel line before the first line
// netstart does not skip, after an unescaped newline: it joins no line.
func (f *File) insertTunnel(src, dst netip.Addr) []byte {
	at := len(f.data)
	if i := slices.IndexFunc(f.lines, func(l line) bool { return !isComment(l.words) || !l.terminated }); i >= 0 {
		at = f.lines[i].start
	}
	return slices.Concat(f.data[:at], []byte("tunnel "+src.String()+" "+dst.String()+"\n"), f.data[at:])
}

// editTunnel returns the bytes with tunnel line l's words set to src and
// dst (when invalid, l's destination, returned) and l ending in a newline.
func (f *File) editTunnel(l line, src, dst netip.Addr) ([]byte, netip.Addr, error) {
	if bytes.ContainsAny(f.data[l.start:l.end], "\\\x00") {
		// an unread last line (Divergences names the others)
		return nil, dst, leftAlone(Divergence{Line: l.num, Why: whyEscape})
	}
	w := args(l.words)
	if !dst.IsValid() {
		if len(w) < 3 {
			return nil, dst, fmt.Errorf("line %d: tunnel line without a destination, and none to add", l.num)
		}
		old, err := netip.ParseAddr(w[2])
		if err != nil {
			return nil, dst, fmt.Errorf("line %d: tunnel destination %q is not an address", l.num, w[2])
		}
		if err := checkAddr("tunnel destination", old, true); err != nil {
			return nil, dst, fmt.Errorf("line %d: %w", l.num, err)
		}
		dst = old
	}
	// Words 0-2 (tunnel, source, destination) are copied or replaced, a
	// missing one added; end is where the last word found ends.
	out, end := slices.Clone(f.data[:l.start]), l.start
	for k, a := range []netip.Addr{{}, src, dst} {
		if k >= len(w) {
			out = append(out, " "+a.String()...)
			continue
		}
		from := end + bytes.Index(f.data[end:l.end], []byte(w[k]))
		out = append(out, f.data[end:from]...)
		end = from + len(w[k])
		if old, err := netip.ParseAddr(w[k]); k == 0 || err == nil && old == a {
			out = append(out, f.data[from:end]...)
		} else {
			out = append(out, a.String()...)
		}
	}
	out = append(out, f.data[end:l.end]...)
	if !l.terminated {
		out = append(out, '\n')
	}
	return append(out, f.data[l.end:]...), dst, nil
}

// The MTU range gif(4) accepts (sys/net/if_gif.h, GIF_MTU_MIN and GIF_MTU_MAX).
const (
	MinMTU = 1280
	MaxMTU = 8192
)

// Spec is the typed tunnel from which gifctl writes a missing hostname.if.
type Spec struct {
	Source netip.Addr // our end: egress's IPv4 address
	Remote netip.Addr // the broker's IPv4 address
	Inet6  netip.Addr // the tunnel's inner IPv6 address, ours
	Peer   netip.Addr // the broker's inner IPv6 address, the default route
	MTU    int        // 0 leaves gif's default (1280)
}

// Render returns the whole hostname.if for a Spec, every value printed from
// its netip.Addr or int:
//
//	# written by gifctl(8); later runs change only the tunnel line
//	tunnel 192.0.2.10 216.66.80.26
//	inet6 2001:db8:1::2 128
//	dest 2001:db8:1::1
//	mtu 1480
//	!route -qn add -inet6 default 2001:db8:1::1
//
// The endpoints exist before the address is set, and the default route
// comes last, once the peer is reachable; MTU 0 writes no mtu line.
func Render(s Spec) ([]byte, error) {
	err := cmp.Or(checkAddr("tunnel source", s.Source, true),
		checkAddr("remote: tunnel destination", s.Remote, true),
		checkAddr("inet6", s.Inet6, false), checkAddr("peer", s.Peer, false))
	switch {
	case !s.Remote.IsValid():
		return nil, errors.New("missing remote: the broker's IPv4 address is needed to write hostname.if")
	case !s.Inet6.IsValid() || !s.Peer.IsValid():
		return nil, errors.New("missing inet6 ... peer: the tunnel's IPv6 addresses are needed to write hostname.if")
	case err != nil:
		return nil, err
	case s.Inet6 == s.Peer:
		return nil, fmt.Errorf("inet6 %s: the same address as its peer", s.Inet6)
	case s.MTU != 0 && (s.MTU < MinMTU || s.MTU > MaxMTU):
		return nil, fmt.Errorf("mtu %d: out of gif's range %d-%d", s.MTU, MinMTU, MaxMTU)
	}

	b := fmt.Appendf(nil, "# written by gifctl(8); later runs change only the tunnel line\n"+
		"tunnel %s %s\ninet6 %s 128\ndest %s\n", s.Source, s.Remote, s.Inet6, s.Peer)
	if s.MTU != 0 {
		b = fmt.Appendf(b, "mtu %d\n", s.MTU)
	}
	return fmt.Appendf(b, "!route -qn add -inet6 default %s\n", s.Peer), nil
}
