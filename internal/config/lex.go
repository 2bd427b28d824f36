package config

import "fmt"

// tokKind is what the lexer found.
type tokKind int

const (
	tokEOF    tokKind = iota
	tokEOS            // end of a statement: a newline or ';'
	tokWord           // a bare word
	tokString         // a double-quoted string, quotes removed
	tokOpen           // {
	tokClose          // }
)

type token struct {
	kind tokKind
	text string // the word or the string's contents; ";" or "\n" for tokEOS
	line int
}

// lex splits a gifctl.conf into tokens, the way ifstated's and pf's lexers
// do: '#' starts a comment to the end of the line (not inside quotes),
// double quotes make one value of anything but a newline, and '{', '}',
// ';' and newlines stand alone. Unlike those lexers there are no macros,
// no backslash escapes and no newline inside quotes: a value is exactly
// the characters between the quotes, and one line of the file holds it.
// Words are not checked here: a value is checked against its keyword, so
// the message can name the keyword.
// maxValue bounds a word or quoted string: PATH_MAX on OpenBSD, and ten
// times an HE update URL. pf's and ifstated's lexers likewise refuse a
// string longer than their buffer. Past it a value is a mistake or an
// attack, and would only come back, whole, in an error message.
const maxValue = 1024

func lex(name string, data []byte) ([]token, error) {
	// Most statements have two or three tokens; a guess saves regrowing.
	toks := make([]token, 0, len(data)/6+1)
	line := 1
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '\r' && i+1 < len(data) && data[i+1] == '\n':
			// A file saved with DOS line endings: the \r is part of the newline.
			i++
		case c == '\n':
			toks = append(toks, token{tokEOS, "\n", line})
			line++
			i++
		case c == ';':
			toks = append(toks, token{tokEOS, ";", line})
			i++
		case c == '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '{':
			toks = append(toks, token{tokOpen, "{", line})
			i++
		case c == '}':
			toks = append(toks, token{tokClose, "}", line})
			i++
		case c == '"':
			j := i + 1
			for j < len(data) && data[j] != '"' && data[j] != '\n' {
				j++
			}
			if j == len(data) || data[j] == '\n' {
				return nil, &parseError{name, line, "unterminated quoted string"}
			}
			if j-i-1 > maxValue {
				return nil, &parseError{name, line, fmt.Sprintf("value longer than %d bytes", maxValue)}
			}
			toks = append(toks, token{tokString, string(data[i+1 : j]), line})
			i = j + 1
		default:
			j := i
			for j < len(data) && !endsWord(data, j) {
				if data[j] == '\'' {
					// Single quotes quote in pf.conf; here they would
					// silently become part of a value (a password).
					return nil, &parseError{name, line, `single quote outside double quotes; quote with "`}
				}
				j++
			}
			if j-i > maxValue {
				return nil, &parseError{name, line, fmt.Sprintf("value longer than %d bytes", maxValue)}
			}
			toks = append(toks, token{tokWord, string(data[i:j]), line})
			i = j
		}
	}
	// Report the end of the file on its last line, not on the line after
	// the final newline, which no editor shows.
	last := line
	if last > 1 && data[len(data)-1] == '\n' {
		last--
	}
	toks = append(toks, token{tokEOF, "", last})
	return toks, nil
}

// endsWord reports whether data[i] ends a bare word.
func endsWord(data []byte, i int) bool {
	switch data[i] {
	case ' ', '\t', '\n', ';', '#', '{', '}', '"':
		return true
	case '\r':
		return i+1 < len(data) && data[i+1] == '\n'
	}
	return false
}
