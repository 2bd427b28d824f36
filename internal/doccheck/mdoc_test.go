package doccheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A reader for the part of mdoc(7) these tests need. It is not a
// formatter: it finds macros, their arguments, lists and displays.

// mdocLine is one input line of a page.
type mdocLine struct {
	n     int      // line number, from 1
	macro string   // "Fl" for ".Fl nv"; "" for a text line
	args  []string // the words after the macro, quotes removed
	text  string   // the line as written
}

// tokens is the macro followed by its arguments: the unit callable
// macros are found in.
func (l mdocLine) tokens() []string {
	if l.macro == "" {
		return nil
	}
	return append([]string{l.macro}, l.args...)
}

// readMdoc reads a page, dropping comment lines.
func readMdoc(t *testing.T, path string) []mdocLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []mdocLine
	for i, s := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		l := mdocLine{n: i + 1, text: s}
		if strings.HasPrefix(s, `.\"`) || strings.HasPrefix(s, `'\"`) {
			continue
		}
		if strings.HasPrefix(s, ".") {
			words := splitArgs(s[1:])
			if len(words) == 0 {
				continue
			}
			l.macro, l.args = words[0], words[1:]
		}
		out = append(out, l)
	}
	return out
}

// splitArgs splits a macro line into words at blanks; a double-quoted
// word may hold blanks, and "" inside it stands for one quote.
func splitArgs(s string) []string {
	var words []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return words
		}
		if s[0] != '"' {
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			words = append(words, s[:end])
			s = s[end:]
			continue
		}
		var w strings.Builder
		i := 1
		for ; i < len(s); i++ {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					w.WriteByte('"')
					i++
					continue
				}
				break
			}
			w.WriteByte(s[i])
		}
		words = append(words, w.String())
		s = s[min(i+1, len(s)):]
	}
}

// sections splits a page at .Sh: section name to its lines.
func sections(lines []mdocLine) map[string][]mdocLine {
	out := map[string][]mdocLine{}
	name := ""
	for _, l := range lines {
		if l.macro == "Sh" {
			name = strings.Join(l.args, " ")
			out[name] = []mdocLine{}
			continue
		}
		if name != "" {
			out[name] = append(out[name], l)
		}
	}
	return out
}

// callable are the mdoc macros that may stand as arguments of another
// macro on its line: they end the arguments of the one before them.
var callable = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`Ac Ao Ap Aq Ar Bc Bo Bq Brc Bro Brq Bsx Bx
		Cm Dc Do Dq Dv Dx Em Eo Er Ev Fa Fc Fl Fn Fo Fr Ft Fx Ic Li Lk Ms Mt
		Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc So Sq St Sx
		Sy Ta Tn Ux Va Vt Xc Xo Xr`) {
		callable[m] = true
	}
}

// delimiter are the punctuation arguments mdoc sets apart from words.
func delimiter(s string) bool {
	return len(s) == 1 && strings.Contains(".,;:?!()[]|", s)
}

// call is one macro and its arguments, delimiters dropped.
type call struct {
	name string
	args []string
}

// calls splits the tokens of a macro line (or of an .It head) into the
// macros called on it.
func calls(tokens []string) []call {
	var out []call
	for _, tok := range tokens {
		switch {
		case callable[tok] || len(out) == 0:
			out = append(out, call{name: tok})
		case !delimiter(tok):
			out[len(out)-1].args = append(out[len(out)-1].args, tok)
		}
	}
	return out
}

// argsOf returns the arguments of every call of macro m in lines.
func argsOf(lines []mdocLine, m string) [][]string {
	var out [][]string
	for _, l := range lines {
		for _, c := range calls(l.tokens()) {
			if c.name == m {
				out = append(out, c.args)
			}
		}
	}
	return out
}

// mdocList is a .Bl ... .El list.
type mdocList struct {
	items []*mdocItem
}

// mdocItem is one .It of a list.
type mdocItem struct {
	line  int
	head  []string   // the tokens after .It; an .It Xo ... .Xc head joined
	body  []mdocLine // the item's lines outside its nested lists
	lists []*mdocList
}

// headCalls are the macros called in the item's head.
func (it *mdocItem) headCalls() []call { return calls(it.head) }

// lists returns the lists in lines that are not inside another list.
func lists(lines []mdocLine) []*mdocList {
	var out []*mdocList
	for i := 0; i < len(lines); {
		if lines[i].macro != "Bl" {
			i++
			continue
		}
		l, next := parseList(lines, i+1)
		out = append(out, l)
		i = next
	}
	return out
}

// parseList reads a list from lines[i], just after its .Bl, to its .El;
// it returns the list and the index after the .El.
func parseList(lines []mdocLine, i int) (*mdocList, int) {
	l := &mdocList{}
	var cur *mdocItem
	for i < len(lines) {
		ln := lines[i]
		switch ln.macro {
		case "El":
			return l, i + 1
		case "Bl":
			nested, next := parseList(lines, i+1)
			if cur != nil {
				cur.lists = append(cur.lists, nested)
			}
			i = next
			continue
		case "It":
			cur = &mdocItem{line: ln.n, head: append([]string(nil), ln.args...)}
			l.items = append(l.items, cur)
			i++
			if len(cur.head) > 0 && cur.head[0] == "Xo" {
				cur.head = cur.head[1:]
				for ; i < len(lines) && lines[i].macro != "Xc"; i++ {
					cur.head = append(cur.head, lines[i].tokens()...)
				}
				i++ // the .Xc
			}
			continue
		}
		if cur != nil {
			cur.body = append(cur.body, ln)
		}
		i++
	}
	return l, i
}

// displays returns the text of each .Bd -literal display in lines, with
// the escapes these pages use undone.
func displays(lines []mdocLine) []string {
	var out []string
	var cur *strings.Builder
	for _, l := range lines {
		switch {
		case l.macro == "Bd" && len(l.args) > 0 && l.args[0] == "-literal":
			cur = &strings.Builder{}
		case l.macro == "Ed" && cur != nil:
			out = append(out, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(unescape(l.text) + "\n")
		}
	}
	return out
}

// unescape undoes the roff escapes a literal display may use.
func unescape(s string) string {
	return strings.NewReplacer(`\e`, `\`, `\&`, "", `\(dq`, `"`, `\-`, "-").Replace(s)
}

// bodyText joins an item's body into one string of words, macro names
// included (" The default is Pa /etc . "): for finding a default or a
// limit in it.
func bodyText(it *mdocItem) string {
	var words []string
	for _, l := range it.body {
		if l.macro == "" {
			words = append(words, strings.Fields(l.text)...)
			continue
		}
		words = append(words, l.tokens()...)
	}
	return " " + strings.Join(words, " ") + " "
}

// repoRoot is the directory of go.mod, found as the brief of these tests
// asks: with go env GOMOD.
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := runGo(t, "", "env", "GOMOD")
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		t.Fatal("go env GOMOD: not in a module")
	}
	return filepath.Dir(mod)
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`Fl c Ar file`, []string{"Fl", "c", "Ar", "file"}},
		{`Bl -tag -width "/etc/ifstated.conf" -compact`, []string{"Bl", "-tag", "-width", "/etc/ifstated.conf", "-compact"}},
		{`Dq "a ""b"" c"`, []string{"Dq", `a "b" c`}},
		{"  Nm  ", []string{"Nm"}},
	}
	for _, tt := range tests {
		if got := splitArgs(tt.in); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCalls(t *testing.T) {
	got := calls(splitArgs(`It Fl c Ar file , Fl -config Ns = Ns Ar file`))
	want := []call{{"It", nil}, {"Fl", []string{"c"}}, {"Ar", []string{"file"}}, {"Fl", []string{"-config"}}, {"Ns", []string{"="}}, {"Ns", nil}, {"Ar", []string{"file"}}}
	if len(got) != len(want) {
		t.Fatalf("calls = %v, want %v", got, want)
	}
	for i := range got {
		if got[i].name != want[i].name || strings.Join(got[i].args, " ") != strings.Join(want[i].args, " ") {
			t.Errorf("call %d = %v, want %v", i, got[i], want[i])
		}
	}
}
