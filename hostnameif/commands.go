package hostnameif

import (
	"strings"
)

// Command is one command netstart runs for a hostname.if, in order.
type Command struct {
	// Line is the number of the (first physical) line it comes from.
	Line int
	// Ifconfig holds the arguments after "ifconfig IF", split as the shell
	// splits them (quotes removed, a trailing # comment dropped). It is nil
	// when the command must go through the shell: a ! line, or an ifconfig
	// line that uses more shell than quotes (a $, a `, ;, | or a glob).
	Ifconfig []string
	// Eval is the exact text netstart evals (and `netstart -n` prints).
	Eval string
}

// Commands returns the commands netstart runs for this file as
// hostname.IFNAME, in order. It follows parse_hn_line:
//   - lines whose first word starts with # and blank lines are skipped;
//   - `inet [alias] A M [B]` gets "netmask M" and "broadcast B" (no broadcast
//     when B ends in NONE); `inet6 [alias] A N` gets "prefixlen N";
//     `inet autoconf` and `inet6 autoconf` go through as they are; a lone
//     `inet` or `inet6` is skipped;
//   - `dest P` with exactly one argument appends " P" to the 4th word (5th
//     after alias) of the previous command, whatever that command was;
//     otherwise it is skipped;
//   - `dhcp` becomes "inet autoconf" (its other words are dropped);
//   - a line whose first word starts with ! is run by the shell, after ksh's
//     print has expanded its backslash escapes and every "$if" has been
//     replaced by IFNAME;
//   - anything else runs as "ifconfig IFNAME <words>".
//
// Words are joined with single spaces, so runs of blanks, even inside
// quotes, become one space. A last line without a newline is not read.
// IFNAME must be letters followed by digits; netstart does nothing for any
// other name, and nor does Commands (it returns nil).
func (f *File) Commands(ifname string) []Command {
	if !validIfname(ifname) {
		return nil
	}
	type cmd struct {
		line  int
		shell bool
		eval  string
	}
	var cmds []cmd
	for i := range f.lines {
		l := &f.lines[i]
		if !l.terminated {
			break
		}
		w := l.words
		if isComment(w) {
			continue
		}
		switch {
		case w[0] == "dest":
			if len(w) != 2 || len(cmds) == 0 {
				continue
			}
			prev := &cmds[len(cmds)-1]
			prev.eval = spliceDest(prev.eval, w[1])
		case w[0] == "dhcp":
			cmds = append(cmds, cmd{l.num, false, "ifconfig " + ifname + " inet autoconf"})
		case w[0][0] == '!':
			cmds = append(cmds, cmd{l.num, true, bangCommand(w, ifname)})
		default:
			c, ok := ifconfigWords(w)
			if !ok {
				continue
			}
			cmds = append(cmds, cmd{l.num, false, "ifconfig " + ifname + " " + strings.Join(c, " ")})
		}
	}

	out := make([]Command, 0, len(cmds))
	for _, c := range cmds {
		cm := Command{Line: c.line, Eval: c.eval}
		if !c.shell {
			if a, ok := simpleArgs(c.eval); ok && len(a) >= 2 && a[0] == "ifconfig" && a[1] == ifname {
				cm.Ifconfig = a[2:]
			}
		}
		out = append(out, cm)
	}
	return out
}

// validIfname reports whether netstart's ifstart accepts the name:
// `+([[:alpha:]])+([[:digit:]])`.
func validIfname(s string) bool {
	i := 0
	for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == 0 || i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ifconfigWords applies parse_hn_line's inet and inet6 rewriting; ok is
// false for a line netstart skips.
func ifconfigWords(w []string) (c []string, ok bool) {
	switch w[0] {
	case "inet":
		if len(w) < 2 {
			return nil, false
		}
		if w[1] == "autoconf" {
			return w, true
		}
		c = append([]string(nil), w...)
		mask, bc := 2, 3
		if c[1] == "alias" {
			mask, bc = 3, 4
		}
		if mask < len(c) {
			c[mask] = "netmask " + c[mask]
		}
		if bc < len(c) {
			c[bc] = "broadcast " + c[bc]
			if strings.HasSuffix(c[bc], "NONE") {
				c[bc] = ""
			}
		}
		return c, true
	case "inet6":
		if len(w) < 2 {
			return nil, false
		}
		if w[1] == "autoconf" {
			return w, true
		}
		c = append([]string(nil), w...)
		prefix := 2
		if c[1] == "alias" {
			prefix = 3
		}
		if prefix < len(c) {
			c[prefix] = "prefixlen " + c[prefix]
		}
		return c, true
	}
	return w, true
}

// spliceDest does what parse_hn_line does for `dest P`: split the previous
// command at blanks, append " P" to its 4th word (its 5th when the 4th is
// "alias") and join it again.
func spliceDest(prev, p string) string {
	c := splitIFS(prev)
	name := 3
	if len(c) > 3 && c[3] == "alias" {
		name = 4
	}
	if name < len(c) {
		c[name] += " " + p
	} else {
		// ksh arrays are sparse: the unset element becomes " P" and "${_c[@]}"
		// joins only the elements that are set.
		c = append(c, " "+p)
	}
	return strings.Join(c, " ")
}

// bangCommand builds what netstart evals for a ! line:
// `$(print -- "${_c[@]}" | sed 's/\$if/'$_if'/g')` with the leading ! cut.
func bangCommand(w []string, ifname string) string {
	s := kshPrint(strings.Join(w, " "))
	s = strings.TrimRight(s, "\n") // command substitution drops trailing newlines
	s = strings.ReplaceAll(s, "$if", ifname)
	return strings.TrimPrefix(s, "!")
}

// kshPrint returns what ksh's print builtin (without -r) writes for s,
// without its final newline: backslash escapes are expanded (bin/ksh
// c_ksh.c c_print). \c only drops the final newline, which the command
// substitution drops anyway. A NUL the shell cannot hold in a string is
// left out.
func kshPrint(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			b.WriteByte('\\')
			break
		}
		i++
		switch s[i] {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'c':
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0':
			n := 0
			for k := 0; k < 3 && i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '7'; k++ {
				i++
				n = n*8 + int(s[i]-'0')
			}
			if byte(n) != 0 {
				b.WriteByte(byte(n))
			}
		case '\\':
			b.WriteByte('\\')
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
