package config

import "bytes"

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
	text string // the word, the string's contents, or the character
	line int
}

var punct = map[byte]tokKind{'\n': tokEOS, ';': tokEOS, '{': tokOpen, '}': tokClose}

// maxValue bounds a word or string, as pf's and ifstated's lexers do.
const maxValue = 1024 // PATH_MAX; ten times an HE update URL

// lex tokenizes as pf's and ifstated's lexers do, less macros, escapes and
// quoted newlines.
func (p *parser) lex(data []byte) {
	p.toks = make([]token, 0, len(data)/6+1) // most statements have two or three
	line := 1
	for i := 0; i < len(data); {
		c, n := data[i], 1                    // n: the bytes that c starts
		t := token{punct[c], string(c), line} // tokEOF: nothing to keep
		switch {
		case c == ' ' || c == '\t' || bytes.HasPrefix(data[i:], []byte("\r\n")):
		case c == '\n':
			line++
		case t.kind != tokEOF:
		case c == '#':
			if n = bytes.IndexByte(data[i:], '\n'); n < 0 {
				n = len(data) - i
			}
		case c == '"':
			n = bytes.IndexAny(data[i+1:], "\"\n") + 2
			if n < 2 || data[i+n-1] == '\n' {
				p.fail(line, "unterminated quoted string")
			}
			t = token{tokString, string(data[i+1 : i+n-1]), line}
		default:
			for n = 0; i+n < len(data) && !endsWord(data[i+n:]); n++ {
				if data[i+n] == '\'' {
					// they quote in pf.conf; here, a password would keep them
					p.fail(line, `single quote outside double quotes; quote with "`)
				}
			}
			t = token{tokWord, string(data[i : i+n]), line}
		}
		if len(t.text) > maxValue {
			p.fail(line, "value longer than %d bytes", maxValue)
		}
		if t.kind != tokEOF {
			p.toks = append(p.toks, t)
		}
		i += n
	}
	if line > 1 && data[len(data)-1] == '\n' {
		line--
	}
	p.toks = append(p.toks, token{tokEOF, "", line}) // on the last line
}

func endsWord(data []byte) bool {
	return bytes.ContainsAny(data[:1], " \t\n;#{}\"") || bytes.HasPrefix(data, []byte("\r\n"))
}
