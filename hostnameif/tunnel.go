package hostnameif

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Tunnel returns the endpoints of the last tunnel line netstart reads (it
// runs the lines in order, so the last one wins). ok is false when there is
// none or when its two words after "tunnel" are not addresses. A last line
// without a newline is not read by netstart and so not looked at here.
func (f *File) Tunnel() (src, dst netip.Addr, ok bool) {
	i := f.lastTunnel()
	if i < 0 {
		return netip.Addr{}, netip.Addr{}, false
	}
	w := args(f.lines[i].fields)
	if len(w) < 3 {
		return netip.Addr{}, netip.Addr{}, false
	}
	src, err1 := parseAddr(w[1])
	dst, err2 := parseAddr(w[2])
	if err1 != nil || err2 != nil {
		return netip.Addr{}, netip.Addr{}, false
	}
	return src, dst, true
}

// lastTunnel returns the index of the last line netstart reads whose first
// word is "tunnel", or -1.
func (f *File) lastTunnel() int {
	for i := len(f.lines) - 1; i >= 0; i-- {
		l := &f.lines[i]
		if l.terminated && len(l.fields) > 0 && l.fields[0] == "tunnel" {
			return i
		}
	}
	return -1
}

// SetTunnel points the last tunnel line at src and, when dst is valid, at
// dst; an invalid dst keeps the destination the line has. Only the bytes of
// those words change: whatever else stands on the line (more words, a
// comment, its spacing, its line ending) and every other line stay as they
// were. When there are several tunnel lines the last is changed, the one
// netstart leaves in force, and a warning names it.
//
// With no tunnel line, "tunnel SRC DST\n" is inserted before the first line
// that is not blank or a comment (a last line without a newline counts as
// such a line), or at the end when there is none; dst must then be valid.
// A tunnel line that ends the file without a newline, which netstart would
// never read, gets one.
//
// src and dst must be IPv4 unicast addresses (gif(4) carries IPv6 in IPv4).
// Warnings are plain sentences naming line numbers but not the file: the
// caller prefixes its name. On error the File is unchanged.
func (f *File) SetTunnel(src, dst netip.Addr) (warnings []string, err error) {
	if err := checkEndpoint("source", src); err != nil {
		return nil, err
	}
	if dst.IsValid() {
		if err := checkEndpoint("destination", dst); err != nil {
			return nil, err
		}
	}
	all := f.tunnelLines()
	var data []byte
	if len(all) == 0 {
		if !dst.IsValid() {
			return nil, errors.New("no tunnel line, and no destination to write one with")
		}
		data = f.insertTunnel(src, dst)
	} else {
		last := all[len(all)-1]
		if len(all) > 1 {
			warnings = append(warnings, fmt.Sprintf("%d tunnel lines; changed the last (line %d)",
				len(all), f.lines[last].num))
		}
		var w []string
		data, dst, w, err = f.editTunnel(last, src, dst)
		if err != nil {
			return nil, err
		}
		warnings = append(warnings, w...)
	}
	warnings = append(warnings, f.shellTunnelWarnings()...)

	nf := Parse(data)
	if s, d, ok := nf.Tunnel(); !ok || s != src || d != dst {
		// Cannot happen unless the edit above is wrong; refuse to hand out a
		// file that would not do what was asked.
		return nil, fmt.Errorf("rewriting the tunnel line gave %v %v, not %v %v", s, d, src, dst)
	}
	*f = *nf
	return warnings, nil
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

// parseAddr parses an address word; quotes around the whole word are
// removed, as eval removes them before ifconfig sees the word.
func parseAddr(w string) (netip.Addr, error) {
	if n := len(w); n >= 2 && (w[0] == '"' || w[0] == '\'') && w[n-1] == w[0] {
		w = w[1 : n-1]
	}
	return netip.ParseAddr(w)
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
		if old, err := parseAddr(w[1]); err != nil || old != src {
			from, to := raw(1)
			edits = append(edits, edit{from, to, src.String()})
		}
		old, err := parseAddr(w[2])
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
	if strings.HasSuffix(l.text, "\r") {
		warnings = append(warnings, fmt.Sprintf("line %d ends in CR LF: netstart passes the CR on to ifconfig, which refuses it; convert the file to LF line endings", l.num))
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

// shellTunnelWarnings names lines that set or delete the tunnel behind
// SetTunnel's back: `!` lines that mention tunnel (run by the shell, never
// edited) and deletetunnel.
func (f *File) shellTunnelWarnings() []string {
	var w []string
	for i := range f.lines {
		l := &f.lines[i]
		if isComment(l.fields) {
			continue
		}
		switch {
		case l.fields[0] == "deletetunnel":
			w = append(w, fmt.Sprintf("line %d: deletetunnel removes the tunnel netstart sets", l.num))
		case l.fields[0][0] == '!' && slices.Contains(l.fields, "tunnel"):
			w = append(w, fmt.Sprintf("line %d: a ! line mentions tunnel; left as it is", l.num))
		}
	}
	return w
}
