package hostnameif

import (
	"bytes"
	"strings"
)

// File is a parsed hostname.if(5): its bytes and each line as netstart reads
// it. The zero value is an empty file.
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
