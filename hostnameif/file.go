package hostnameif

import (
	"bytes"
	"strings"
)

// File is a parsed hostname.if(5): the bytes it was read from and, beside
// them, each line as netstart reads it. The zero value is an empty file.
type File struct {
	data  []byte
	lines []line
}

// line is one logical line: what one `IFS= read -- _line` in netstart's
// ifstart returns. It may span several physical lines joined by a
// backslash-newline.
type line struct {
	start, end int  // its bytes in File.data, the ending newline included
	num        int  // 1-based number of the physical line it starts on
	terminated bool // ended by a newline; netstart never reads a last line without one
	escPending bool // the file ends right after an unpaired backslash on this line

	text   string   // the value read puts in _line
	words  []string // text split at blanks, as parse_hn_line receives it
	fields []string // words as the author meant them: a CR before the newline dropped
}

// Parse reads a hostname.if. It never fails: anything netstart would read
// has a meaning, and what it would not (a final line without a newline) is
// kept all the same.
func Parse(data []byte) *File {
	f := &File{data: bytes.Clone(data)}
	f.lines = make([]line, 0, bytes.Count(data, []byte{'\n'})+1)
	num := 1
	for pos := 0; pos < len(f.data); {
		l := scanLine(f.data, pos, nil)
		l.num = num
		num += bytes.Count(f.data[pos:l.end], []byte{'\n'})
		f.lines = append(f.lines, l)
		pos = l.end
	}
	return f
}

// Bytes returns the file's bytes: for a File from Parse that nothing has
// changed, exactly the bytes it was parsed from.
func (f *File) Bytes() []byte {
	return bytes.Clone(f.data)
}

// origin maps each byte of a line's text back to the bytes of the file it
// came from: text[i] came from data[from[i]:to[i]] (a backslash-escaped byte
// takes its backslash along).
type origin struct {
	from, to []int
}

// scanLine reads the logical line starting at pos as ksh's read builtin
// without -r does (bin/ksh/c_sh.c c_read): NUL bytes are skipped, a
// backslash escapes the next byte and is dropped, a backslash-newline is
// dropped and the line goes on, an unescaped newline ends it. With IFS
// empty nothing is trimmed. When o is not nil it is filled for each byte of
// text.
func scanLine(data []byte, pos int, o *origin) line {
	l := line{start: pos}
	rest := data[pos:]
	nl := bytes.IndexByte(rest, '\n')
	plain := rest
	if nl >= 0 {
		plain = rest[:nl]
	}
	if o == nil && bytes.IndexByte(plain, '\\') < 0 && bytes.IndexByte(plain, 0) < 0 {
		l.text = string(plain)
		l.end = pos + len(plain)
		if nl >= 0 {
			l.end++
			l.terminated = true
		}
		l.split()
		return l
	}

	var b strings.Builder
	b.Grow(len(plain))
	put := func(c byte, from, to int) {
		b.WriteByte(c)
		if o != nil {
			o.from = append(o.from, from)
			o.to = append(o.to, to)
		}
	}
	escaping, escAt := false, 0
	i := pos
	for i < len(data) {
		c := data[i]
		i++
		switch {
		case c == 0:
			// read drops NUL bytes, even between a backslash and what it escapes
		case escaping:
			escaping = false
			if c != '\n' {
				put(c, escAt, i)
			}
		case c == '\\':
			escaping, escAt = true, i-1
		case c == '\n':
			l.terminated = true
			l.end = i
			l.text = b.String()
			l.split()
			return l
		default:
			put(c, i-1, i)
		}
	}
	l.end = len(data)
	l.escPending = escaping
	l.text = b.String()
	l.split()
	return l
}

// isIFS reports whether c separates words under ksh's default IFS.
func isIFS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// split fills words and fields from text.
func (l *line) split() {
	l.words = splitIFS(l.text)
	l.fields = l.words
	if strings.HasSuffix(l.text, "\r") {
		l.fields = splitIFS(l.text[:len(l.text)-1])
	}
}

// splitIFS splits s at runs of blanks and newlines, as an unquoted $var is
// split by ksh with the default IFS.
func splitIFS(s string) []string {
	var w []string
	for i := 0; i < len(s); {
		for i < len(s) && isIFS(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isIFS(s[j]) {
			j++
		}
		if j > i {
			w = append(w, s[i:j])
		}
		i = j
	}
	return w
}

// wordSpans returns, for each word of s, its start and end index in s.
func wordSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); {
		for i < len(s) && isIFS(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isIFS(s[j]) {
			j++
		}
		if j > i {
			spans = append(spans, [2]int{i, j})
		}
		i = j
	}
	return spans
}

// isComment reports whether netstart skips the line: no words, or a first
// word that starts with # (the first pattern of parse_hn_line's case).
func isComment(w []string) bool {
	return len(w) == 0 || strings.HasPrefix(w[0], "#")
}
