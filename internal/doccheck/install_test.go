package doccheck

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// prefix is the Makefile's default PREFIX, under DESTDIR.
const prefix = "usr/local"

// installed is what make install laid down: each path under DESTDIR,
// directories ending in "/", files followed by their mode ("usr/local/sbin/gifctl 0555").
type installed []string

// files returns the files of the layout relative to PREFIX, without modes.
func (l installed) relFiles() []string {
	var out []string
	for _, e := range l {
		p, _, isFile := strings.Cut(e, " ")
		if rel, ok := strings.CutPrefix(p, prefix+"/"); ok && isFile {
			out = append(out, rel)
		}
	}
	return out
}

// relDirs returns the directories of the layout under PREFIX, relative to
// it, with a trailing "/".
func (l installed) relDirs() []string {
	var out []string
	for _, e := range l {
		if rel, ok := strings.CutPrefix(e, prefix+"/"); ok && strings.HasSuffix(rel, "/") {
			out = append(out, rel)
		}
	}
	return out
}

// layout lists dir: every directory and file under it, sorted.
func layout(t *testing.T, dir string) installed {
	t.Helper()
	var out installed
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, dir+string(filepath.Separator)))
		if d.IsDir() {
			out = append(out, rel+"/")
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			out = append(out, fmt.Sprintf("%s %s", rel, fi.Mode().Type()))
			return nil
		}
		out = append(out, fmt.Sprintf("%s %04o", rel, fi.Mode().Perm()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// makeEnv is the environment for make: the test's, without what would
// change the Makefile's defaults (PREFIX ?=, DESTDIR ?=) or confuse a
// BSD make run under GNU make (MAKEFLAGS and friends).
func makeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PREFIX" || k == "DESTDIR" || strings.HasPrefix(k, "MAKE") || k == "MFLAGS" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

var installs struct {
	sync.Mutex
	done map[string]installed
}

// makeInstall runs "make install DESTDIR=..." with tool (make, bmake) in
// the repository's root, checks that "make uninstall" removes it all
// again, and returns what install laid down. It runs once per tool.
func makeInstall(t *testing.T, tool string) installed {
	t.Helper()
	installs.Lock()
	defer installs.Unlock()
	if l, ok := installs.done[tool]; ok {
		return l
	}
	path := needTool(t, tool)
	root := repoRoot(t)
	dest, err := os.MkdirTemp("", "doccheck-destdir-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dest)
	// make, then make install, as an admin does (the second as root).
	if out, err := runIn(root, makeEnv(), path, "all"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := runIn(root, makeEnv(), path, "install", "DESTDIR="+dest); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	l := layout(t, dest)

	// The files are the repository's, byte for byte; the program runs.
	for _, src := range []struct{ from, to string }{
		{"man/gifctl.8", "man/man8/gifctl.8"},
		{"man/gifctl.conf.5", "man/man5/gifctl.conf.5"},
		{"etc/gifctl.conf", "share/examples/gifctl/gifctl.conf"},
		{"etc/hostname.gif0", "share/examples/gifctl/hostname.gif0"},
		{"etc/ifstated.conf", "share/examples/gifctl/ifstated.conf"},
		{"etc/pf.conf", "share/examples/gifctl/pf.conf"},
		{"etc/rc.d/gifctl", "../../etc/rc.d/gifctl"},
	} {
		want, err1 := os.ReadFile(filepath.Join(root, src.from))
		got, err2 := os.ReadFile(filepath.Join(dest, prefix, src.to))
		if err1 == nil && err2 == nil && !bytes.Equal(want, got) {
			t.Errorf("%s install: %s differs from %s", tool, src.to, src.from)
		}
	}
	bin := filepath.Join(dest, prefix, "sbin", "gifctl")
	if out, err := runIn("", nil, bin, "--version"); err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Errorf("%s install: gifctl --version: %v %q", tool, err, out)
	}

	if out, err := runIn(root, makeEnv(), path, "uninstall", "DESTDIR="+dest); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, e := range layout(t, dest) {
		if !strings.HasSuffix(e, "/") {
			t.Errorf("%s uninstall: %s is left", tool, e)
		}
		if strings.HasPrefix(e, prefix+"/share/examples/gifctl/") {
			t.Errorf("%s uninstall: %s is left", tool, e)
		}
	}
	if installs.done == nil {
		installs.done = map[string]installed{}
	}
	installs.done[tool] = l
	return l
}

// wantLayout is what make install must lay down, DESTDIR-relative, with
// PREFIX /usr/local: the list, and the modes of OpenBSD's base.
var wantLayout = installed{
	"etc/",
	"etc/rc.d/",
	"etc/rc.d/gifctl 0555",
	"usr/",
	"usr/local/",
	"usr/local/man/",
	"usr/local/man/man5/",
	"usr/local/man/man5/gifctl.conf.5 0444",
	"usr/local/man/man8/",
	"usr/local/man/man8/gifctl.8 0444",
	"usr/local/sbin/",
	"usr/local/sbin/gifctl 0555",
	"usr/local/share/",
	"usr/local/share/examples/",
	"usr/local/share/examples/gifctl/",
	"usr/local/share/examples/gifctl/gifctl.conf 0444",
	"usr/local/share/examples/gifctl/hostname.gif0 0444",
	"usr/local/share/examples/gifctl/ifstated.conf 0444",
	"usr/local/share/examples/gifctl/pf.conf 0444",
}

// TestMakeInstall: make install lays down exactly wantLayout, under GNU
// make and BSD make alike, and make uninstall takes it away.
func TestMakeInstall(t *testing.T) {
	for _, tool := range []string{"make", "bmake"} {
		t.Run(tool, func(t *testing.T) {
			got := makeInstall(t, tool)
			if diff := cmp.Diff(wantLayout, got); diff != "" {
				t.Errorf("%s install DESTDIR=...: (-want +got):\n%s", tool, diff)
			}
		})
	}
}
