package hostnameif

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// SetTunnel points the tunnel netstart sets for this file as
// hostname.IFNAME at src and, when dst is valid, at dst; an invalid dst keeps
// the destination the line has. It edits the last tunnel line, the one
// netstart leaves in force (a warning names it when there are several), and
// only the bytes of those words: whatever else stands on the line (more
// words, a comment, its spacing) and every other line stay as they were.
//
// With no tunnel line, "tunnel SRC DST\n" is inserted before the first line
// that is not blank or a comment (a last line without a newline counts as
// such a line), or at the end when there is none; dst must then be valid.
// A tunnel line that ends the file without a newline, which netstart would
// never read, gets one.
//
// It refuses (netstart's reading is [File.Commands]) when the tunnel is set
// by a ! line, saying which lines to write instead; when the line to edit is
// one netstart reads otherwise than its words ([File.Divergences]); and when
// netstart would run anything but the old commands with the tunnel set to
// src and dst after the edit.
//
// The other lines netstart reads otherwise come back as warnings.
//
// src and dst must be IPv4 unicast addresses (gif(4) carries IPv6 in IPv4).
// Warnings and errors are one line each, naming line numbers but not the
// file: the caller prefixes its name. On error the File is unchanged.
func (f *File) SetTunnel(ifname string, src, dst netip.Addr) (warnings []string, err error) {
	if !validIfname(ifname) {
		return nil, fmt.Errorf("interface name %q: netstart takes only letters followed by digits", ifname)
	}
	if err := checkEndpoint("source", src); err != nil {
		return nil, err
	}
	if dst.IsValid() {
		if err := checkEndpoint("destination", dst); err != nil {
			return nil, err
		}
	}
	cmds := f.Commands(ifname)
	all := f.tunnelLines()
	target := -1
	if len(all) > 0 {
		target = all[len(all)-1]
	}
	if err := f.editable(cmds, target, ifname, src, dst); err != nil {
		return nil, err
	}

	var data []byte
	if target < 0 {
		if !dst.IsValid() {
			return nil, errors.New("no tunnel line, and no destination to write one with")
		}
		data = f.insertTunnel(src, dst)
	} else {
		if len(all) > 1 {
			warnings = append(warnings, fmt.Sprintf("%d tunnel lines; changed the last (line %d)",
				len(all), f.lines[target].num))
		}
		var w []string
		data, dst, w, err = f.editTunnel(target, src, dst)
		if err != nil {
			return nil, err
		}
		warnings = append(warnings, w...)
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

// editable refuses an edit of line target (an index of f.lines, -1 for an
// insertion) that netstart would not carry out as gifctl means it.
func (f *File) editable(cmds []Command, target int, ifname string, src, dst netip.Addr) error {
	divs := f.divergences(cmds, ifname)
	at := func(n int) Divergence {
		for _, d := range divs {
			if d.Line == n {
				return d
			}
		}
		return Divergence{Line: n}
	}
	if i := lastTunnel(cmds, ifname); i >= 0 {
		c := cmds[i]
		if f.bang(c) {
			return f.replaceBang(cmds, i, ifname, src, dst)
		}
		if target < 0 || f.lines[target].terminated && f.lines[target].num != c.Line {
			d := at(c.Line)
			if d.Why == "" {
				d.Why = "the last command that touches the tunnel comes from this line, which gifctl does not edit"
			}
			d.Netstart = c.Eval
			return errors.New(d.String() + "; left the file as it was")
		}
	}
	if target < 0 || !f.lines[target].terminated {
		return nil
	}
	n := f.lines[target].num
	for _, c := range cmds {
		if c.Line == n {
			return diverges(divs, c)
		}
	}
	return nil
}

// diverges returns an error for the first divergence about command c: at its
// line, or changing what netstart runs for it.
func diverges(divs []Divergence, c Command) error {
	for _, d := range divs {
		if d.Line == c.Line || d.Netstart == c.Eval {
			return errors.New(d.String() + "; left the file as it was")
		}
	}
	return nil
}

// bang reports whether c comes from a ! line.
func (f *File) bang(c Command) bool {
	i, ok := slices.BinarySearchFunc(f.lines, c.Line, func(l line, n int) int { return l.num - n })
	return ok && len(f.lines[i].words) > 0 && f.lines[i].words[0][0] == '!'
}

// replaceBang is the error for a file whose tunnel is set by cmds[i], a !
// line: it names the lines that say the same in the form gifctl edits.
func (f *File) replaceBang(cmds []Command, i int, ifname string, src, dst netip.Addr) error {
	c := cmds[i]
	if !dst.IsValid() {
		_, dst, _ = endpoints(c, ifname)
	}
	to := "SERVER-IPV4"
	if dst.IsValid() {
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

// checkEdit checks, on netstart's reading of the edited file nf, that the
// edit did what SetTunnel promises: the commands of before, but for one
// tunnel command changed or added, the last to touch the tunnel, on a plain
// line and naming src and dst. It cannot fail unless netstart joins the new
// line to another (a dest line after an inserted tunnel line) or the edit
// is wrong.
func checkEdit(before []Command, nf *File, ifname string, src, dst netip.Addr) error {
	after := nf.Commands(ifname)
	p := 0
	for p < len(before) && p < len(after) && before[p].Eval == after[p].Eval {
		p++
	}
	s := 0
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
	return diverges(nf.divergences(after, ifname), c)
}

// args returns a line's words up to a word starting with #: when netstart
// evals the command the shell takes that word and the rest as a comment.
func args(fields []string) []string {
	for i := 1; i < len(fields); i++ {
		if fields[i][0] == '#' {
			return fields[:i]
		}
	}
	return fields
}

// checkEndpoint refuses anything but an IPv4 unicast address.
func checkEndpoint(what string, a netip.Addr) error {
	switch {
	case !a.IsValid():
		return fmt.Errorf("tunnel %s: no address", what)
	case !a.Is4():
		return fmt.Errorf("tunnel %s %s: not an IPv4 address", what, a)
	case a.IsUnspecified(), a.IsMulticast(), a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return fmt.Errorf("tunnel %s %s: not a unicast address", what, a)
	}
	return nil
}

// tunnelLines returns the indexes of all lines whose first word is "tunnel",
// an unterminated last line included: SetTunnel repairs that one rather
// than leave a stale tunnel line behind.
func (f *File) tunnelLines() []int {
	var idx []int
	for i := range f.lines {
		if w := f.lines[i].fields; len(w) > 0 && w[0] == "tunnel" {
			idx = append(idx, i)
		}
	}
	return idx
}

// insertTunnel returns the file's bytes with a new tunnel line before the
// first line netstart would not skip. Lines start right after an unescaped
// newline, so inserting there cannot join the new line to another one.
func (f *File) insertTunnel(src, dst netip.Addr) []byte {
	at := len(f.data)
	for i := range f.lines {
		l := &f.lines[i]
		if !isComment(l.fields) || !l.terminated {
			at = l.start
			break
		}
	}
	ins := "tunnel " + src.String() + " " + dst.String() + "\n"
	return slices.Concat(f.data[:at], []byte(ins), f.data[at:])
}

// editTunnel rewrites the words of line i and returns the new bytes and the
// destination the line now names.
func (f *File) editTunnel(i int, src, dst netip.Addr) ([]byte, netip.Addr, []string, error) {
	l := &f.lines[i]
	var o origin
	scanLine(f.data, l.start, &o)
	spans := wordSpans(strings.TrimSuffix(l.text, "\r")) // the words of l.fields
	w := args(l.fields)
	raw := func(k int) (from, to int) { // the file bytes of word k
		return o.from[spans[k][0]], o.to[spans[k][1]-1]
	}
	var edits []edit
	var warnings []string

	switch len(w) {
	case 1: // "tunnel" alone
		if !dst.IsValid() {
			return nil, dst, nil, fmt.Errorf("line %d: tunnel line without addresses, and no destination to add", l.num)
		}
		_, to := raw(0)
		edits = append(edits, edit{to, to, " " + src.String() + " " + dst.String()})
	case 2: // "tunnel SRC"
		if !dst.IsValid() {
			return nil, dst, nil, fmt.Errorf("line %d: tunnel line without a destination, and none to add", l.num)
		}
		from, to := raw(1)
		edits = append(edits, edit{from, to, src.String() + " " + dst.String()})
	default:
		if old, err := netip.ParseAddr(w[1]); err != nil || old != src {
			from, to := raw(1)
			edits = append(edits, edit{from, to, src.String()})
		}
		old, err := netip.ParseAddr(w[2])
		switch {
		case dst.IsValid() && (err != nil || old != dst):
			from, to := raw(2)
			edits = append(edits, edit{from, to, dst.String()})
		case !dst.IsValid() && err != nil:
			return nil, dst, nil, fmt.Errorf("line %d: tunnel destination %q is not an address", l.num, w[2])
		case !dst.IsValid():
			if err := checkEndpoint("destination", old); err != nil {
				return nil, dst, nil, fmt.Errorf("line %d: %w", l.num, err)
			}
			dst = old
		}
	}

	if !l.terminated {
		// netstart's read loop stops at a last line without a newline and
		// never runs it; end the line so that it does.
		nl := "\n"
		if l.escPending {
			nl = "\n\n" // the first newline would only be escaped
		}
		edits = append(edits, edit{l.end, l.end, nl})
		warnings = append(warnings, fmt.Sprintf("line %d had no newline at the end, so netstart ignored it; added one", l.num))
	}
	return applyEdits(f.data, edits), dst, warnings, nil
}

// edit replaces data[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// applyEdits returns data with the edits, given in ascending order and not
// overlapping, applied.
func applyEdits(data []byte, edits []edit) []byte {
	out := make([]byte, 0, len(data)+64)
	pos := 0
	for _, e := range edits {
		out = append(out, data[pos:e.from]...)
		out = append(out, e.text...)
		pos = e.to
	}
	return append(out, data[pos:]...)
}
