package hostnameif

import (
	"slices"
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
// hostname.IFNAME, in order, as parse_hn_line makes them: blank lines and
// lines whose first word starts with # are skipped; `inet [alias] A M [B]`
// gets "netmask M" and "broadcast B" (none when B ends in NONE), `inet6
// [alias] A N` gets "prefixlen N", a lone inet or inet6 is skipped; `dest P`
// with exactly one argument appends " P" to the 4th word (5th after alias)
// of the previous command, whatever it was; `dhcp` becomes "inet autoconf";
// a ! line goes to the shell once ksh's print has expanded its escapes and
// "$if" is replaced by IFNAME; anything else runs as "ifconfig IFNAME
// WORDS". Words are joined with single spaces. An IFNAME that is not letters
// then digits gets nil: netstart does nothing for it.
func (f *File) Commands(ifname string) []Command {
	if !validIfname(ifname) {
		return nil
	}
	var cmds []Command
	for _, l := range f.lines {
		w := l.words
		switch {
		case !l.terminated || isComment(w):
		case w[0] == "dest":
			if len(w) == 2 && len(cmds) > 0 {
				cmds[len(cmds)-1].Eval = spliceDest(cmds[len(cmds)-1].Eval, w[1])
			}
		case w[0] == "dhcp":
			cmds = append(cmds, Command{Line: l.num, Eval: "ifconfig " + ifname + " inet autoconf"})
		case w[0][0] == '!':
			// netstart evals $(print -- "${_c[@]}" | sed 's/\$if/'$_if'/g') less
			// the !; the command substitution drops trailing newlines.
			s := strings.TrimRight(kshPrint(strings.Join(w, " ")), "\n")
			s = strings.TrimPrefix(strings.ReplaceAll(s, "$if", ifname), "!")
			cmds = append(cmds, Command{Line: l.num, Eval: s})
		default:
			if c, ok := ifconfigWords(w); ok {
				cmds = append(cmds, Command{Line: l.num, Eval: "ifconfig " + ifname + " " + strings.Join(c, " ")})
			}
		}
	}
	for i, c := range cmds {
		if a, ok := simpleArgs(c.Eval); ok && !f.bang(c) {
			cmds[i].Ifconfig = a[2:]
		}
	}
	return cmds
}

// validIfname reports whether netstart's ifstart accepts the name:
// `+([[:alpha:]])+([[:digit:]])`. No regexp: one would compile at start-up.
func validIfname(s string) bool {
	unit := strings.TrimLeft(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
	return unit != "" && len(unit) < len(s) && strings.Trim(unit, "0123456789") == ""
}

// bang reports whether c comes from a ! line.
func (f *File) bang(c Command) bool {
	i, ok := slices.BinarySearchFunc(f.lines, c.Line, func(l line, n int) int { return l.num - n })
	return ok && f.lines[i].words[0][0] == '!'
}

// addrWords are the keywords parse_hn_line puts before the words that
// follow the address of an inet or inet6 line.
var addrWords = map[string][]string{"inet": {"netmask ", "broadcast "}, "inet6": {"prefixlen "}}

// ifconfigWords applies parse_hn_line's inet and inet6 rewriting; ok is
// false for a line netstart skips.
func ifconfigWords(w []string) (c []string, ok bool) {
	names := addrWords[w[0]]
	switch {
	case names == nil:
		return w, true
	case len(w) < 2:
		return nil, false
	case w[1] == "autoconf":
		return w, true
	}
	c = slices.Clone(w)
	i := 2
	if c[1] == "alias" {
		i = 3
	}
	for k, name := range names {
		if i+k < len(c) {
			c[i+k] = name + c[i+k]
		}
	}
	if w[0] == "inet" && i+1 < len(c) && strings.HasSuffix(c[i+1], "NONE") {
		c[i+1] = ""
	}
	return c, true
}

// spliceDest does what parse_hn_line does for `dest P`: split the previous
// command at blanks, append " P" to its 4th word (its 5th when the 4th is
// "alias") and join it again.
func spliceDest(prev, p string) string {
	c := splitIFS(prev)
	i := 3
	if len(c) > 3 && c[3] == "alias" {
		i = 4
	}
	if i >= len(c) { // ksh arrays are sparse: "${_c[@]}" skips unset elements
		c, i = append(c, ""), len(c)
	}
	c[i] += " " + p
	return strings.Join(c, " ")
}

// kshPrint returns what ksh's print (without -r; bin/ksh/c_ksh.c c_print)
// writes for s, less its final newline, which \c only drops: escapes are
// expanded, and a NUL, which a shell string cannot hold, is left out.
func kshPrint(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch k := strings.IndexByte(`abfnrtv\`, s[i]); {
		case k >= 0:
			b.WriteByte("\a\b\f\n\r\t\v\\"[k])
		case s[i] == '0':
			n := byte(0) // the octal value, mod 256 as ksh stores it
			for k := 0; k < 3 && i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '7'; k++ {
				i++
				n = n*8 + s[i] - '0'
			}
			if n != 0 {
				b.WriteByte(n)
			}
		case s[i] != 'c':
			b.WriteString(s[i-1 : i+1])
		}
	}
	return b.String()
}
