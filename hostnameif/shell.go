package hostnameif

import "strings"

// simpleArgs splits a command the way sh would when it uses nothing but
// blanks, quotes, backslashes and a trailing # comment. ok is false when
// the shell would do more (expand $ or `, glob, brace-expand, a tilde,
// redirect, start another command) or fail (an open quote): such a command
// must be run by a shell to mean what netstart means.
func simpleArgs(s string) (args []string, ok bool) {
	var cur strings.Builder
	inWord := false
	end := func() {
		if inWord {
			args = append(args, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			end()
		case c == '#' && !inWord:
			return args, true
		case c == '~' && !inWord:
			return nil, false
		case strings.IndexByte("\n;&|<>()$`*?[{}", c) >= 0:
			return nil, false
		case c == '\\':
			if i+1 == len(s) || s[i+1] == '\n' {
				return nil, false
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, false
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				switch s[i] {
				case '$', '`':
					return nil, false
				case '\\':
					if i+1 < len(s) && s[i+1] == '\n' { // a line continuation
						i++
						continue
					}
					if i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0 {
						i++
					}
				}
				cur.WriteByte(s[i])
			}
			if i == len(s) {
				return nil, false
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	end()
	return args, true
}
