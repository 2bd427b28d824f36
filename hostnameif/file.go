package hostnameif

import (
	"bytes"
	"slices"
	"strings"
)

// File is a hostname.if(5) as netstart reads it; its zero value is empty.
type File struct {
	data  []byte
	lines []line
}

// line is what one `IFS= read -- _line` in netstart's ifstart returns: one
// or more physical lines joined by backslash-newlines.
type line struct {
	start, end int  // its bytes in File.data, the ending newline included
	num        int  // 1-based number of the physical line it starts on
	terminated bool // ended by a newline; netstart never reads a last line without one

	text  string   // the value read puts in _line
	words []string // text split at blanks, as parse_hn_line receives it
}

// Parse reads a hostname.if; it never fails, and what netstart skips is kept.
func Parse(data []byte) *File {
	f := &File{data: bytes.Clone(data)}
	for pos, num := 0, 1; pos < len(f.data); {
		l := scanLine(f.data, pos)
		l.num = num
		num += bytes.Count(f.data[pos:l.end], []byte{'\n'})
		f.lines = append(f.lines, l)
		pos = l.end
	}
	return f
}

// Bytes returns the file's bytes, those given to Parse until an edit.
func (f *File) Bytes() []byte {
	return bytes.Clone(f.data)
}

// scanLine reads the line at pos as ksh's read without -r (bin/ksh/c_sh.c
// c_read) does, IFS empty: no trimming, NULs dropped, a backslash dropped
// and the next byte kept (a newline joins the next line), a newline ends it.
func scanLine(data []byte, pos int) line {
	l := line{start: pos, end: len(data)}
	var text []byte
	esc := false
	for i := pos; i < len(data) && !l.terminated; i++ {
		switch c := data[i]; {
		case c == 0: // dropped even between a backslash and what it escapes
		case esc:
			esc = false
			if c != '\n' {
				text = append(text, c)
			}
		case c == '\\':
			esc = true
		case c == '\n':
			l.end, l.terminated = i+1, true
		default:
			text = append(text, c)
		}
	}
	l.text = string(text)
	l.words = splitIFS(l.text)
	return l
}

// splitIFS splits s as ksh splits an unquoted $var with the default IFS.
func splitIFS(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
}

// isComment is parse_hn_line's skip: no words, or a first word starting with #.
func isComment(w []string) bool {
	return len(w) == 0 || strings.HasPrefix(w[0], "#")
}

// Command is one command netstart runs for a hostname.if, in order.
type Command struct {
	Line int // the (first physical) line it comes from
	// Ifconfig holds the arguments after "ifconfig IF" as the shell splits
	// them; nil for a ! line or one using more shell than quotes.
	Ifconfig []string
	Eval     string // the exact text netstart evals (and `netstart -n` prints)
}

// Commands returns, in order, the commands parse_hn_line makes of this file
// as hostname.IFNAME; nil for an IFNAME that ifstart refuses.
func (f *File) Commands(ifname string) []Command {
	if !ValidIfname(ifname) {
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
			// netstart evals $(print -- "${_c[@]}" | sed 's/\$if/'$_if'/g')
			// less the !, trailing newlines dropped.
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

// ValidIfname reports whether s is a name netstart's ifstart takes,
// `+([[:alpha:]])+([[:digit:]])`, without compiling a regexp at start-up.
func ValidIfname(s string) bool {
	unit := strings.TrimLeft(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
	return unit != "" && len(unit) < len(s) && strings.Trim(unit, "0123456789") == ""
}

// bang reports whether c comes from a ! line.
func (f *File) bang(c Command) bool {
	i, ok := slices.BinarySearchFunc(f.lines, c.Line, func(l line, n int) int { return l.num - n })
	return ok && f.lines[i].words[0][0] == '!'
}

var addrWords = map[string][]string{"inet": {"netmask ", "broadcast "}, "inet6": {"prefixlen "}}

// ifconfigWords is parse_hn_line's rewriting of `inet [alias] A M [B]` to
// "... netmask M broadcast B" (no B when it ends in NONE) and of `inet6
// [alias] A N` to "... prefixlen N"; ok is false for a lone inet or inet6.
func ifconfigWords(w []string) (c []string, ok bool) {
	names := addrWords[w[0]]
	switch {
	case names != nil && len(w) < 2:
		return nil, false
	case names == nil || w[1] == "autoconf":
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

// spliceDest is parse_hn_line's `dest P`: split the previous command,
// whatever it is, append " P" to its 4th word (5th after "alias"), join it.
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

// kshPrint is what ksh's print without -r (bin/ksh/c_ksh.c c_print) writes
// for s less the final newline (\c drops only that), NULs left out.
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

// simpleArgs splits a command as sh does if it holds only blanks, quotes,
// backslashes and a trailing # comment; ok is false if the shell would do more
// (expand $ ` ~, glob, brace-expand, redirect, chain) or fail (an open quote).
func simpleArgs(s string) (args []string, ok bool) {
	var w []byte
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t':
			if inWord {
				args, w, inWord = append(args, string(w)), w[:0], false
			}
			continue
		case c == '#' && !inWord:
			return args, true
		case c == '~' && !inWord, strings.IndexByte("\n;&|<>()$`*?[{}", c) >= 0:
			return nil, false
		case c == '\\':
			if i+1 == len(s) || s[i+1] == '\n' {
				return nil, false
			}
			i++
			w = append(w, s[i])
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, false
			}
			w = append(w, s[i+1:i+1+j]...)
			i += j + 1
		case c == '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				switch {
				case s[i] == '$' || s[i] == '`':
					return nil, false
				case s[i] == '\\' && i+1 < len(s) && s[i+1] == '\n': // a line continuation
					i++
					continue
				case s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0:
					i++
				}
				w = append(w, s[i])
			}
			if i == len(s) {
				return nil, false
			}
		default:
			w = append(w, c)
		}
		inWord = true
	}
	if inWord {
		args = append(args, string(w))
	}
	return args, true
}
