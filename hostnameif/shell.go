package hostnameif

import "strings"

// simpleArgs splits a command as sh does when it holds only blanks, quotes,
// backslashes and a trailing # comment; ok is false when the shell would do
// more (expand $ ` ~, glob, brace-expand, redirect, chain) or fail (an open
// quote), so that only a shell gives it netstart's meaning.
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
