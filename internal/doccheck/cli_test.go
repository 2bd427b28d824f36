package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/gifctl/gifctl/ifstated"
	"github.com/gifctl/gifctl/internal/config"
)

// The command line of gifctl as kong builds it from cmd/gifctl's structs,
// read with go/ast: main packages cannot be imported. TestCLIModelIsKongs
// checks the reading against the program's own --help.

// cliFlag is a flag: its long name and its one-letter short name, if any,
// and the other one-letter names kong takes for it (tag aliases), which
// --help does not show.
type cliFlag struct {
	Long, Short string
	Aliases     []string
	Default     string // the default tag: --help and the page must agree
}

// cliCommand is a command that runs (a leaf of kong's tree).
type cliCommand struct {
	Path     string            // "check tunnel"
	Flags    []string          // long names of its own flags, sorted
	Args     []string          // positional arguments in order: "IF", "TARGET..."
	Defaults map[string]string // long name to default, for flags that have one
}

type cliModel struct {
	Global   []cliFlag              // flags of the root, for every command
	Commands map[string]*cliCommand // by path
	Valued   map[string]bool        // long names of the flags that take a value
}

// flagName maps a flag as a man page or a user writes it, "-c" or
// "--config", to its long name.
func (m cliModel) flagName(form string) (string, bool) {
	for _, f := range m.Global {
		if form == "--"+f.Long || f.Short != "" && form == "-"+f.Short || slices.Contains(f.Aliases, strings.TrimPrefix(form, "-")) {
			return f.Long, true
		}
	}
	if long, ok := strings.CutPrefix(form, "--"); ok {
		for _, c := range m.Commands {
			if slices.Contains(c.Flags, long) {
				return long, true
			}
		}
	}
	return "", false
}

func (m cliModel) isGlobal(long string) bool {
	return slices.ContainsFunc(m.Global, func(f cliFlag) bool { return f.Long == long })
}

// commandWords are the words of every command path.
func (m cliModel) commandWords() []string {
	var words []string
	for p := range m.Commands {
		for _, w := range strings.Fields(p) {
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	slices.Sort(words)
	return words
}

func (m cliModel) paths() []string {
	var out []string
	for p := range m.Commands {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// loadCLI reads the CLI struct of cmd/gifctl and the structs it refers to.
func loadCLI(t *testing.T) cliModel {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "cmd", "gifctl")
	fset := token.NewFileSet()
	notTest := func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }
	pkgs, err := parser.ParseDir(fset, dir, notTest, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	structs := map[string]*ast.StructType{}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if ts, ok := n.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						structs[ts.Name.Name] = st
					}
				}
				return true
			})
		}
	}
	if structs["CLI"] == nil {
		t.Fatalf("%s: no type CLI", dir)
	}
	b := &cliBuilder{t: t, structs: structs, model: cliModel{Commands: map[string]*cliCommand{}, Valued: map[string]bool{}}}
	root := &node{}
	b.walk("CLI", root)
	for _, f := range root.flags {
		b.model.Global = append(b.model.Global, f)
	}
	if len(root.args) > 0 {
		t.Errorf("CLI: positional arguments on the root: %v", root.args)
	}
	return b.model
}

type cliBuilder struct {
	t       *testing.T
	structs map[string]*ast.StructType
	model   cliModel
}

// node is a command being read: its flags, arguments and subcommands.
type node struct {
	path     string
	flags    []cliFlag
	args     []string
	children int
}

// walk reads the fields of struct typeName into n, as kong does: a field
// tagged cmd is a subcommand, arg a positional argument, an embedded
// struct is flattened, any other exported field is a flag.
func (b *cliBuilder) walk(typeName string, n *node) {
	st := b.structs[typeName]
	if st == nil {
		b.t.Fatalf("cmd/gifctl: struct %s not found", typeName)
	}
	for _, f := range st.Fields.List {
		tag := reflect.StructTag("")
		if f.Tag != nil {
			s, err := strconv.Unquote(f.Tag.Value)
			if err != nil {
				b.t.Fatalf("%s: tag %s: %v", typeName, f.Tag.Value, err)
			}
			tag = reflect.StructTag(s)
		}
		if tag.Get("kong") == "-" {
			continue
		}
		if len(f.Names) == 0 { // embedded: kong flattens it
			b.walk(localType(b.t, f.Type), n)
			continue
		}
		for _, name := range f.Names {
			if !name.IsExported() {
				continue
			}
			b.field(n, name.Name, f.Type, tag)
		}
	}
}

func (b *cliBuilder) field(n *node, field string, typ ast.Expr, tag reflect.StructTag) {
	name := tag.Get("name")
	if name == "" {
		name = kebab(field)
	}
	switch {
	case has(tag, "cmd"):
		if has(tag, "hidden") {
			return
		}
		child := &node{path: strings.TrimSpace(n.path + " " + name)}
		b.walk(localType(b.t, typ), child)
		n.children++
		if child.children > 0 {
			if len(child.flags) > 0 || len(child.args) > 0 {
				b.t.Errorf("%s: flags or arguments on a command with subcommands", child.path)
			}
			return
		}
		c := &cliCommand{Path: child.path, Args: child.args, Flags: []string{}, Defaults: map[string]string{}}
		for _, f := range child.flags {
			c.Flags = append(c.Flags, f.Long)
			if f.Default != "" {
				c.Defaults[f.Long] = f.Default
			}
		}
		slices.Sort(c.Flags)
		b.model.Commands[c.Path] = c
	case has(tag, "arg"):
		if tag.Get("name") == "" {
			name = strings.ToUpper(field)
		}
		if _, slice := typ.(*ast.ArrayType); slice {
			name += "..."
		}
		n.args = append(n.args, name)
	default:
		var aliases []string
		if a := tag.Get("aliases"); a != "" {
			aliases = strings.Split(a, ",")
		}
		n.flags = append(n.flags, cliFlag{Long: name, Short: tag.Get("short"), Aliases: aliases, Default: kongVars.Replace(tag.Get("default"))})
		if id, ok := typ.(*ast.Ident); !ok || id.Name != "bool" {
			// kong.VersionFlag is a bool flag of kong's own.
			if sel, ok := typ.(*ast.SelectorExpr); !ok || sel.Sel.Name != "VersionFlag" {
				b.model.Valued[name] = true
			}
		}
	}
}

// kongVars are cmd/gifctl's defaultPaths, which default tags name.
var kongVars = strings.NewReplacer("${config}", config.DefaultFile, "${gifctl}", ifstated.DefaultGifctl)

func has(tag reflect.StructTag, key string) bool {
	_, ok := tag.Lookup(key)
	return ok
}

// localType is the name of a struct type declared in cmd/gifctl.
func localType(t *testing.T, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return localType(t, e.X)
	}
	t.Fatalf("cmd/gifctl: command or embedded struct of a type not declared there: %T", e)
	return ""
}

// kebab is kong's default name of a field: its camel-case words, lower
// case, joined by "-" ("NoAction" is "no-action", "JSON" is "json").
func kebab(s string) string {
	class := func(r rune) int {
		switch {
		case unicode.IsLower(r):
			return 1
		case unicode.IsUpper(r):
			return 2
		case unicode.IsDigit(r):
			return 3
		}
		return 4
	}
	var runs [][]rune
	last := 0
	for _, r := range s {
		if c := class(r); c == last {
			runs[len(runs)-1] = append(runs[len(runs)-1], r)
		} else {
			runs = append(runs, []rune{r})
			last = c
		}
	}
	// "HTTPServer": the last capital of a run of capitals begins the next word.
	for i := 0; i+1 < len(runs); i++ {
		if unicode.IsUpper(runs[i][0]) && unicode.IsLower(runs[i+1][0]) {
			runs[i+1] = append([]rune{runs[i][len(runs[i])-1]}, runs[i+1]...)
			runs[i] = runs[i][:len(runs[i])-1]
		}
	}
	var words []string
	for _, r := range runs {
		if len(r) > 0 {
			words = append(words, strings.ToLower(string(r)))
		}
	}
	return strings.Join(words, "-")
}

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"NoAction": "no-action", "JSON": "json", "Config": "config",
		"IPv4": "i-pv-4", "HTTPServer": "http-server", "Egress": "egress",
	} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

// helpFlag matches a flag line of kong's help: "  -c, --config=FILE ...".
var helpFlag = regexp.MustCompile(`(?m)^\s+(?:-(\w), )?--([a-z0-9][a-z0-9-]*)`)

// helpCommand matches a command line of the root help's Commands section.
var helpCommand = regexp.MustCompile(`^  (\S+(?: \S+)*?)(?:\s{2,}|$)`)

// TestCLIModelIsKongs checks the go/ast reading of the CLI against what
// kong itself says in --help: the same commands, and for each the same
// flags. So the man page checks below compare with the real program.
func TestCLIModelIsKongs(t *testing.T) {
	m := loadCLI(t)
	bin := gifctlBinary(t)
	out, err := runIn("", nil, bin, "--help")
	if err != nil {
		t.Fatal(err)
	}
	_, cmds, _ := strings.Cut(string(out), "\nCommands:\n")
	var helpPaths []string
	for _, line := range strings.Split(cmds, "\n") {
		if mm := helpCommand.FindStringSubmatch(line); mm != nil {
			helpPaths = append(helpPaths, mm[1])
		}
	}
	slices.Sort(helpPaths)
	if diff := cmp.Diff(helpPaths, m.paths()); diff != "" {
		t.Errorf("commands in gifctl --help (-) and read from cmd/gifctl (+):\n%s", diff)
	}

	global := map[string]string{}
	for _, f := range m.Global {
		global[f.Long] = f.Short
	}
	for _, p := range append([]string{""}, m.paths()...) {
		argv := append([]string{bin}, strings.Fields(p)...)
		out, err := runIn("", nil, append(argv, "--help")...)
		if err != nil {
			t.Errorf("gifctl %s --help: %v", p, err)
			continue
		}
		got := map[string]string{}
		for _, mm := range helpFlag.FindAllStringSubmatch(string(out), -1) {
			if mm[2] != "help" { // kong's own, not in the structs
				got[mm[2]] = mm[1]
			}
		}
		want := map[string]string{}
		for k, v := range global {
			want[k] = v
		}
		if c := m.Commands[p]; c != nil {
			for _, f := range c.Flags {
				want[f] = ""
			}
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("flags (long: short) of gifctl %s in --help (-) and read from cmd/gifctl (+):\n%s", p, diff)
		}
	}
}

// manArgName is how gifctl.8 names each positional argument of the CLI.
var manArgName = map[string]string{
	"IF":        "interface",
	"TARGET...": "target ...",
	"IF...":     "interface ...",
}

// usage is one synopsis line of gifctl.8.
type usage struct {
	Path  string   // the .Cm words
	Flags []string // as written: "-n", "--egress"
	Args  []string // positional arguments: "interface", "target ..."
}

// synopsis reads the SYNOPSIS of gifctl.8: one usage per bare .Nm.
func synopsis(t *testing.T, lines []mdocLine) []usage {
	var out []usage
	for _, l := range lines {
		if l.macro == "Nm" && len(l.args) == 0 {
			out = append(out, usage{})
			continue
		}
		if len(out) == 0 {
			t.Fatalf("gifctl.8:%d: SYNOPSIS does not start with a bare .Nm", l.n)
		}
		u := &out[len(out)-1]
		prev := ""
		for _, c := range calls(l.tokens()) {
			switch c.name {
			case "Cm":
				u.Path = strings.TrimSpace(u.Path + " " + strings.Join(c.args, " "))
			case "Fl":
				u.Flags = append(u.Flags, flagForms(c.args)...)
			case "Ar":
				if prev != "Fl" { // after Fl, the flag's value
					u.Args = append(u.Args, strings.Join(c.args, " "))
				}
			}
			if c.name != "Op" {
				prev = c.name
			}
		}
	}
	return out
}

// flagForms turns the arguments of .Fl into flags as typed: ".Fl nv" is
// -n and -v, ".Fl -egress" is --egress.
func flagForms(args []string) []string {
	var out []string
	for _, a := range args {
		if long, ok := strings.CutPrefix(a, "-"); ok {
			out = append(out, "--"+long)
			continue
		}
		for _, r := range a {
			out = append(out, "-"+string(r))
		}
	}
	return out
}

// longNames maps flags as written to long names, failing on unknown ones.
func longNames(t *testing.T, m cliModel, where string, forms []string) []string {
	t.Helper()
	var out []string
	for _, f := range forms {
		long, ok := m.flagName(f)
		if !ok {
			t.Errorf("gifctl.8: %s: %s is not a flag of gifctl", where, f)
			continue
		}
		if !slices.Contains(out, long) {
			out = append(out, long)
		}
	}
	slices.Sort(out)
	return out
}

// own drops the global flags from a list of long names.
func own(m cliModel, longs []string) []string {
	out := []string{}
	for _, l := range longs {
		if !m.isGlobal(l) {
			out = append(out, l)
		}
	}
	return out
}

func TestManPageSynopsis(t *testing.T) {
	m := loadCLI(t)
	page := readMdoc(t, filepath.Join(repoRoot(t), "man", "gifctl.8"))
	usages := synopsis(t, sections(page)["SYNOPSIS"])

	seen := map[string]bool{}
	var all []string
	for _, u := range usages {
		longs := longNames(t, m, "SYNOPSIS "+u.Path, u.Flags)
		all = append(all, longs...)
		if u.Path == "" {
			if len(u.Args) > 0 {
				t.Errorf("gifctl.8: SYNOPSIS: arguments %q without a command", u.Args)
			}
			if o := own(m, longs); len(o) > 0 {
				t.Errorf("gifctl.8: SYNOPSIS: command flags %q without a command", o)
			}
			continue
		}
		c := m.Commands[u.Path]
		if c == nil {
			t.Errorf("gifctl.8: SYNOPSIS: %q is not a command of gifctl", u.Path)
			continue
		}
		seen[u.Path] = true
		if diff := cmp.Diff(c.Flags, own(m, longs)); diff != "" {
			t.Errorf("gifctl.8: SYNOPSIS: flags of %s: in cmd/gifctl (-) and the page (+):\n%s", u.Path, diff)
		}
		var want []string
		for _, a := range c.Args {
			name, ok := manArgName[a]
			if !ok {
				t.Errorf("%s: argument %s: add how gifctl.8 names it to manArgName", u.Path, a)
			}
			want = append(want, name)
		}
		if diff := cmp.Diff(want, u.Args); diff != "" {
			t.Errorf("gifctl.8: SYNOPSIS: arguments of %s: in cmd/gifctl (-) and the page (+):\n%s", u.Path, diff)
		}
	}
	for _, p := range m.paths() {
		if !seen[p] {
			t.Errorf("gifctl.8: SYNOPSIS lacks gifctl %s", p)
		}
	}
	for _, f := range m.Global {
		if !slices.Contains(all, f.Long) {
			t.Errorf("gifctl.8: SYNOPSIS lacks --%s", f.Long)
		}
	}
}

func TestManPageOptionsAndCommands(t *testing.T) {
	m := loadCLI(t)
	page := readMdoc(t, filepath.Join(repoRoot(t), "man", "gifctl.8"))
	var options, commands *mdocList
	for _, l := range lists(sections(page)["DESCRIPTION"]) {
		if len(l.items) == 0 || len(l.items[0].headCalls()) == 0 {
			continue
		}
		switch l.items[0].headCalls()[0].name {
		case "Fl":
			options = l
		case "Cm":
			commands = l
		}
	}
	if options == nil || commands == nil {
		t.Fatal("gifctl.8: DESCRIPTION needs a list of options (.It Fl) and one of commands (.It Cm)")
	}

	// The options: each global flag, by both its names.
	forms := map[string][]string{}
	for _, it := range options.items {
		for _, c := range it.headCalls() {
			if c.name != "Fl" {
				continue
			}
			for _, f := range flagForms(c.args) {
				long, ok := m.flagName(f)
				if !ok || !m.isGlobal(long) {
					t.Errorf("gifctl.8:%d: %s is not an option of gifctl", it.line, f)
					continue
				}
				forms[long] = append(forms[long], f)
			}
		}
	}
	want := map[string][]string{}
	for _, f := range m.Global {
		if f.Short != "" {
			want[f.Long] = append(want[f.Long], "-"+f.Short)
		}
		want[f.Long] = append(want[f.Long], "--"+f.Long)
		for _, a := range f.Aliases {
			want[f.Long] = append(want[f.Long], "-"+a)
		}
	}
	if diff := cmp.Diff(want, forms); diff != "" {
		t.Errorf("gifctl.8: options list: in cmd/gifctl (-) and the page (+):\n%s", diff)
	}

	// The commands: each, with every flag it has described in a nested list.
	seen := map[string]bool{}
	for _, it := range commands.items {
		hc := it.headCalls()
		if len(hc) == 0 || hc[0].name != "Cm" {
			t.Errorf("gifctl.8:%d: item of the commands list without .Cm", it.line)
			continue
		}
		path := strings.Join(hc[0].args, " ")
		c := m.Commands[path]
		if c == nil {
			t.Errorf("gifctl.8:%d: %q is not a command of gifctl", it.line, path)
			continue
		}
		seen[path] = true
		var headForms, described []string
		for _, hcall := range hc {
			if hcall.name == "Fl" {
				headForms = append(headForms, flagForms(hcall.args)...)
			}
		}
		for _, nl := range it.lists {
			for _, sub := range nl.items {
				if sc := sub.headCalls(); len(sc) > 0 && sc[0].name == "Fl" {
					described = append(described, flagForms(sc[0].args)...)
					for _, f := range flagForms(sc[0].args) {
						long, _ := m.flagName(f)
						says := regexp.MustCompile(` default (is (Pa )?)?` + regexp.QuoteMeta(c.Defaults[long]) + `[ .,:;]`)
						if d := c.Defaults[long]; d != "" && !says.MatchString(bodyText(sub)) {
							t.Errorf("gifctl.8:%d: %s %s: the default is %s; the page should say \"the default %s\"", sub.line, path, f, d, d)
						}
					}
				}
			}
		}
		where := "commands list, " + path
		if diff := cmp.Diff(c.Flags, own(m, longNames(t, m, where, headForms))); diff != "" {
			t.Errorf("gifctl.8:%d: flags in the head of %s: in cmd/gifctl (-) and the page (+):\n%s", it.line, path, diff)
		}
		if diff := cmp.Diff(c.Flags, own(m, longNames(t, m, where, described))); diff != "" {
			t.Errorf("gifctl.8:%d: flags described under %s: in cmd/gifctl (-) and the page (+):\n%s", it.line, path, diff)
		}
	}
	for _, p := range m.paths() {
		if !seen[p] {
			t.Errorf("gifctl.8: the commands list lacks %s", p)
		}
	}
}

// TestManPageNamesOnlyRealOnes: every .Fl of gifctl.8 is a flag of gifctl,
// every .Cm word a word of a command, every .Ic a keyword of gifctl.conf.
func TestManPageNamesOnlyRealOnes(t *testing.T) {
	m := loadCLI(t)
	page := readMdoc(t, filepath.Join(repoRoot(t), "man", "gifctl.8"))
	for _, l := range page {
		for _, c := range calls(l.tokens()) {
			switch c.name {
			case "Fl":
				for _, f := range flagForms(c.args) {
					if _, ok := m.flagName(f); !ok {
						t.Errorf("gifctl.8:%d: %s is not a flag of gifctl", l.n, f)
					}
				}
			case "Cm":
				for _, w := range c.args {
					if !slices.Contains(m.commandWords(), w) {
						t.Errorf("gifctl.8:%d: %q is not (part of) a command of gifctl", l.n, w)
					}
				}
			case "Ic":
				for _, w := range c.args {
					if !slices.Contains(keywords(), w) {
						t.Errorf("gifctl.8:%d: %q is not a keyword of gifctl.conf", l.n, w)
					}
				}
			}
		}
	}
}
