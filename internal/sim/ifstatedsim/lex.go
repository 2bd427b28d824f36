package ifstatedsim

import (
	"fmt"
	"strconv"
)

// The lexer reads bytes the way yylex and lgetc in parse.y do, so that a file
// this package accepts is one ifstated accepts: a macro's value is read again
// as input where $name stands (outside quotes only, and not inside another
// macro's value), a backslash outside quotes drops itself, a newline inside
// quotes vanishes, and a word may hold quotes or $ but not ( ) { } ! = # , .

type tokKind int

const (
	tEOF    tokKind = iota
	tString         // a word or a quoted string: STRING
	tNumber         // NUMBER
	tChar           // any other single byte: ( ) { } ! = . and '\n' among them
	tError          // a lexing error, already recorded
	// keywords
	tAnd
	tOr
	tDown
	tEvery
	tIf
	tInit
	tInitState
	tLink
	tRun
	tSetState
	tState
	tUnknown
	tUp
)

// keywords are parse.y's (v1.56): "added", "removed" and "loglevel" are gone.
var keywords = map[string]tokKind{
	"&&":         tAnd,
	"||":         tOr,
	"down":       tDown,
	"every":      tEvery,
	"if":         tIf,
	"init":       tInit,
	"init-state": tInitState,
	"link":       tLink,
	"run":        tRun,
	"set-state":  tSetState,
	"state":      tState,
	"unknown":    tUnknown,
	"up":         tUp,
}

type token struct {
	kind tokKind
	s    string // tString: the value; keywords: the word
	n    int64  // tNumber
	c    byte   // tChar
	line int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tString:
		return strconv.Quote(t.s)
	case tNumber:
		return strconv.FormatInt(t.n, 10)
	case tChar:
		if t.c == '\n' {
			return "newline"
		}
		return strconv.Quote(string(t.c))
	case tError:
		return "error"
	}
	return t.s
}

const (
	eof = -1
	// bufSize is yylex's buffer; longer strings are errors there.
	bufSize = 8096
	// maxPushback is lgetc's pushback buffer; what does not fit is lost.
	maxPushback = 128
)

type lexer struct {
	name string
	data []byte
	pos  int
	line int // file->lineno: the line being read

	pb  []byte // parsebuf: a macro's value being read; nil when none
	pbi int    // parseindex

	push []int // pushback_buffer, a stack

	macros  map[string]string
	tokLine int // yylval.lineno: the line errors are reported at
	err     error
}

func newLexer(name string, data []byte) *lexer {
	return &lexer{name: name, data: data, line: 1, macros: map[string]string{}}
}

// errorf records the first error, at the current token's line, as yyerror.
func (l *lexer) errorf(format string, args ...any) {
	if l.err == nil {
		l.err = &Error{File: l.name, Line: l.tokLine, Msg: fmt.Sprintf(format, args...)}
	}
}

func (l *lexer) raw() int {
	if l.pos >= len(l.data) {
		return eof
	}
	c := l.data[l.pos]
	l.pos++
	return int(c)
}

// getc is lgetc: a macro's value first, then pushed-back bytes, then the file.
func (l *lexer) getc(quoted bool) int {
	if l.pb != nil {
		if l.pbi >= 0 {
			if l.pbi < len(l.pb) && l.pb[l.pbi] != 0 {
				c := l.pb[l.pbi]
				l.pbi++
				return int(c)
			}
			l.pbi++
			l.pb = nil
		} else {
			l.pbi++
		}
	}
	if n := len(l.push); n > 0 {
		c := l.push[n-1]
		l.push = l.push[:n-1]
		return c
	}
	if quoted {
		c := l.raw()
		if c == eof {
			l.errorf("reached end of file while parsing quoted string")
		}
		return c
	}
	c := l.raw()
	for c == '\\' {
		next := l.raw()
		if next != '\n' {
			c = next
			break
		}
		l.tokLine = l.line
		l.line++
		c = l.raw()
	}
	return c
}

// ungetc is lungetc: inside a macro's value it steps back in the value.
func (l *lexer) ungetc(c int) {
	if c == eof {
		return
	}
	if l.pb != nil {
		l.pbi--
		if l.pbi >= 0 {
			return
		}
	}
	if len(l.push)+1 >= maxPushback {
		return
	}
	l.push = append(l.push, c)
}

// findeol skips the rest of the line after an error, as parse.y does.
func (l *lexer) findeol() token {
	l.pb = nil
	for {
		var c int
		if n := len(l.push); n > 0 {
			c = l.push[n-1]
			l.push = l.push[:n-1]
		} else {
			c = l.getc(false)
		}
		if c == '\n' {
			l.line++
			break
		}
		if c == eof {
			break
		}
	}
	return token{kind: tError, line: l.tokLine}
}

func isDigit(c int) bool { return c >= '0' && c <= '9' }
func isAlpha(c int) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c int) bool { return isDigit(c) || isAlpha(c) }

// isPunct is ispunct(3) in the C locale: printable, not space, not alnum.
func isPunct(c int) bool { return c > ' ' && c < 0x7f && !isAlnum(c) }

func isSpace(c int) bool { return c == ' ' || c >= '\t' && c <= '\r' }

func endsNumber(c int) bool {
	return isSpace(c) || c == ')' || c == ',' || c == '/' || c == '}' || c == '='
}

func allowedInWord(c int) bool {
	switch c {
	case '(', ')', '{', '}', '!', '=', '#', ',', '.':
		return false
	}
	return isAlnum(c) || isPunct(c)
}

func startsWord(c int) bool {
	return isAlnum(c) || c == ':' || c == '_' || c == '&' || c == '|'
}

// lex is yylex.
func (l *lexer) lex() token {
top:
	c := l.getc(false)
	for c == ' ' || c == '\t' {
		c = l.getc(false)
	}
	l.tokLine = l.line
	if c == '#' {
		for c = l.getc(false); c != '\n' && c != eof; c = l.getc(false) {
		}
	}
	if c == '$' && l.pb == nil {
		var name []byte
		for {
			if c = l.getc(false); c == eof {
				return token{kind: tEOF, line: l.tokLine}
			}
			if len(name)+1 >= bufSize-1 {
				l.errorf("string too long")
				return l.findeol()
			}
			if isAlnum(c) || c == '_' {
				name = append(name, byte(c))
				continue
			}
			l.ungetc(c)
			break
		}
		val, ok := l.macros[string(name)]
		if !ok {
			l.errorf("macro '%s' not defined", name)
			return l.findeol()
		}
		l.pb, l.pbi = []byte(val), 0
		goto top
	}
	if c == '\'' || c == '"' {
		return l.quoted(c)
	}
	if c == '-' || isDigit(c) {
		if t, ok := l.number(c); ok {
			return t
		}
		c = l.getc(false) // the first byte again, pushed back by number
		if c == '-' {
			return token{kind: tChar, c: '-', line: l.tokLine}
		}
	}
	if startsWord(c) {
		var buf []byte
		for {
			buf = append(buf, byte(c))
			if len(buf) >= bufSize {
				l.errorf("string too long")
				return l.findeol()
			}
			if c = l.getc(false); c == eof || !allowedInWord(c) {
				break
			}
		}
		l.ungetc(c)
		if k, ok := keywords[string(buf)]; ok {
			return token{kind: k, s: string(buf), line: l.tokLine}
		}
		return token{kind: tString, s: string(buf), line: l.tokLine}
	}
	if c == '\n' {
		l.tokLine = l.line
		l.line++
	}
	if c == eof {
		return token{kind: tEOF, line: l.tokLine}
	}
	return token{kind: tChar, c: byte(c), line: l.tokLine}
}

func (l *lexer) quoted(quote int) token {
	var buf []byte
	for {
		c := l.getc(true)
		if c == eof {
			return token{kind: tEOF, line: l.tokLine}
		}
		switch {
		case c == '\n':
			l.line++
			continue
		case c == '\\':
			next := l.getc(true)
			if next == eof {
				return token{kind: tEOF, line: l.tokLine}
			}
			if next == quote || next == ' ' || next == '\t' {
				c = next
			} else if next == '\n' {
				l.line++
				continue
			} else {
				l.ungetc(next)
			}
		case c == quote:
			return token{kind: tString, s: string(buf), line: l.tokLine}
		case c == 0:
			l.errorf("syntax error")
			return l.findeol()
		}
		if len(buf)+1 >= bufSize-1 {
			l.errorf("string too long")
			return l.findeol()
		}
		buf = append(buf, byte(c))
	}
}

// number reads digits after c. Digits followed by something that may not end
// a number are pushed back, all but c itself, which is pushed back too so
// that lex reads it again as the start of a word (parse.y's "nodigits").
func (l *lexer) number(c int) (token, bool) {
	var buf []byte
	for {
		buf = append(buf, byte(c))
		if len(buf) >= bufSize {
			l.errorf("string too long")
			return l.findeol(), true
		}
		if c = l.getc(false); c == eof || !isDigit(c) {
			break
		}
	}
	l.ungetc(c)
	if !(len(buf) == 1 && buf[0] == '-') && (c == eof || endsNumber(c)) {
		n, err := strconv.ParseInt(string(buf), 10, 64)
		if err != nil {
			why := "invalid"
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				why = "too large"
				if buf[0] == '-' {
					why = "too small"
				}
			}
			l.errorf("\"%s\" invalid number: %s", buf, why)
			return l.findeol(), true
		}
		return token{kind: tNumber, n: n, line: l.tokLine}, true
	}
	for i := len(buf) - 1; i >= 0; i-- {
		l.ungetc(int(buf[i]))
	}
	return token{}, false
}
