package doccheck

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func portDir(t *testing.T) string {
	return filepath.Join(repoRoot(t), "pkg", "openbsd", "net", "gifctl")
}

// mtreeDirs are the directories under /usr/local that OpenBSD's mtree
// (/etc/mtree/4.4BSD.dist) makes: a PLIST does not list them.
var mtreeDirs = []string{"man/", "man/man5/", "man/man8/", "sbin/", "share/", "share/examples/"}

// plistEntry is a path line of a PLIST and the annotation it came with.
type plistEntry struct {
	Path       string
	Annotation string // "@bin", "@man", or "" for a plain line
}

// readPlist reads a PLIST: its paths relative to PREFIX, with @bin and
// @man annotations noted, and the targets of its @sample lines, each with
// the path it copies (the file listed just before it).
func readPlist(t *testing.T, data []byte) (entries []plistEntry, samples map[string]string) {
	samples = map[string]string{}
	last := ""
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		word, rest, _ := strings.Cut(line, " ")
		switch word {
		case "@bin", "@man", "@file", "@lib", "@static-lib", "@so", "@info":
			entries = append(entries, plistEntry{Path: rest, Annotation: word})
			last = rest
		case "@sample":
			samples[rest] = last
		case "@comment", "@mode", "@owner", "@group", "@conflict", "@pkgpath", "@option", "@extra", "@extraunexec", "@exec", "@unexec", "@exec-update", "@rcscript", "@newuser", "@newgroup", "@tag":
		default:
			if strings.HasPrefix(word, "@") {
				t.Errorf("PLIST:%d: %s: not known to this test", n+1, word)
				continue
			}
			entries = append(entries, plistEntry{Path: line})
			last = line
		}
	}
	return entries, samples
}

// TestPortPlist: the port's PLIST lists exactly what make install lays
// down under PREFIX (directories of mtree aside, the package readme
// added), with @bin for the program and @man for the pages, and samples
// /etc/gifctl.conf from the example.
func TestPortPlist(t *testing.T) {
	entries, samples := readPlist(t, readFile(t, filepath.Join(portDir(t), "pkg", "PLIST")))
	l := makeInstall(t, "make")

	var got []string
	for _, e := range entries {
		if e.Path == "share/doc/pkg-readmes/${PKGSTEM}" {
			continue // made by the ports tree from pkg/README
		}
		got = append(got, e.Path)
		switch {
		case strings.HasPrefix(e.Path, "sbin/") && e.Annotation != "@bin":
			t.Errorf("PLIST: %s: a program needs @bin", e.Path)
		case strings.HasPrefix(e.Path, "man/") && e.Annotation != "@man":
			t.Errorf("PLIST: %s: a man page needs @man", e.Path)
		}
	}
	slices.Sort(got)
	var want []string
	for _, d := range l.relDirs() {
		if !slices.Contains(mtreeDirs, d) {
			want = append(want, d)
		}
	}
	want = append(want, l.relFiles()...)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("make install under PREFIX (-) and pkg/PLIST (+):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"${SYSCONFDIR}/gifctl.conf": "share/examples/gifctl/gifctl.conf"}, samples); diff != "" {
		t.Errorf("PLIST @sample targets and the examples they copy (-want +got):\n%s", diff)
	}
	readme := readFile(t, filepath.Join(portDir(t), "pkg", "README"))
	if !slices.ContainsFunc(entries, func(e plistEntry) bool { return e.Path == "share/doc/pkg-readmes/${PKGSTEM}" }) && len(readme) > 0 {
		t.Error("PLIST: pkg/README exists, so share/doc/pkg-readmes/${PKGSTEM} must be listed")
	}
}

// TestPortMakefile: the port installs what make install does: the program
// into sbin, and each page and sample by name (lang/go installs only the
// program).
func TestPortMakefile(t *testing.T) {
	mk := string(readFile(t, filepath.Join(portDir(t), "Makefile")))
	for _, v := range []string{"COMMENT", "CATEGORIES", "HOMEPAGE", "MAINTAINER", "PERMIT_PACKAGE", "MODGO_MODNAME", "MODGO_VERSION"} {
		if !regexp.MustCompile(`(?m)^` + v + `\s*\+?=`).MatchString(mk) {
			t.Errorf("port Makefile: %s is not set", v)
		}
	}
	if !regexp.MustCompile(`(?m)^MODULES\s*=\s*lang/go\s*$`).MatchString(mk) {
		t.Error("port Makefile: MODULES = lang/go missing")
	}
	if !regexp.MustCompile(`(?m)^MODGO_BINDIR\s*=\s*sbin\s*$`).MatchString(mk) {
		t.Error("port Makefile: MODGO_BINDIR = sbin missing: make install puts gifctl in sbin")
	}
	for _, f := range makeInstall(t, "make").relFiles() {
		switch {
		case strings.HasPrefix(f, "sbin/"):
		case strings.HasPrefix(f, "man/"):
			if !strings.Contains(mk, "${WRKSRC}/man/"+filepath.Base(f)+" ${PREFIX}/"+filepath.Dir(f)+"/") {
				t.Errorf("port Makefile: does not install %s", f)
			}
		default:
			if !regexp.MustCompile(`(?m)^\.for f in .*\b` + regexp.QuoteMeta(filepath.Base(f)) + `\b`).MatchString(mk) {
				t.Errorf("port Makefile: does not install %s", f)
			}
		}
	}
}

// TestPortRcScript: the port's rc script is etc/rc.d/gifctl with the
// daemon under ${TRUEPREFIX}, which the ports tree substitutes, and the
// PLIST lists it as @rcscript.
func TestPortRcScript(t *testing.T) {
	up := string(readFile(t, filepath.Join(repoRoot(t), "etc", "rc.d", "gifctl")))
	want := strings.Replace(up, `daemon="/usr/local/sbin/gifctl"`, `daemon="${TRUEPREFIX}/sbin/gifctl"`, 1)
	if want == up {
		t.Fatal(`etc/rc.d/gifctl: no daemon="/usr/local/sbin/gifctl" line`)
	}
	if diff := cmp.Diff(want, string(readFile(t, filepath.Join(portDir(t), "pkg", "gifctl.rc")))); diff != "" {
		t.Errorf("pkg/gifctl.rc is not etc/rc.d/gifctl with ${TRUEPREFIX} (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(readFile(t, filepath.Join(portDir(t), "pkg", "PLIST"))), "\n@rcscript ${RCDIR}/gifctl\n") {
		t.Error("PLIST: no @rcscript ${RCDIR}/gifctl")
	}
}

// TestPortModules: modules.inc lists every module go.mod requires, at its
// version: the port builds offline from those.
func TestPortModules(t *testing.T) {
	inc := string(readFile(t, filepath.Join(portDir(t), "modules.inc")))
	have := map[string]string{}
	_, list, _ := strings.Cut(inc, "MODGO_MODULES =")
	list, _, _ = strings.Cut(list, "\n\n")
	f := strings.Fields(strings.ReplaceAll(list, "\\", " "))
	for i := 0; i+1 < len(f); i += 2 {
		have[f[i]] = f[i+1]
	}
	mod := string(readFile(t, filepath.Join(repoRoot(t), "go.mod")))
	req := regexp.MustCompile(`(?m)^(?:require\s+|\t)([^\s()]+)\s+(v\S+)`)
	for _, m := range req.FindAllStringSubmatch(mod, -1) {
		path := escapeModule(m[1])
		if have[path] != m[2] {
			t.Errorf("modules.inc: %s %s, go.mod requires %s; regenerate it: make modgo-gen-modules > modules.inc", path, have[path], m[2])
		}
	}
}

// escapeModule is a module path as the module proxy spells it: each
// capital letter as "!" and its lower case.
func escapeModule(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
