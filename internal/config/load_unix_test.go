//go:build unix

package config

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo.conf")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	// Opened without waiting for a writer, then refused.
	if diff := cmp.Diff(path+": not a regular file", loadErr(path)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLoadOwner(t *testing.T) {
	if os.Geteuid() != 0 && os.Getenv("CI") == "" {
		t.Skip("needs root: chown to another user")
	}
	path := writeConf(t, string(readTestdata(t, "small.conf")), 0o600)
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	want := path + ": owned by uid 65534, not root; run chown root " + path
	if diff := cmp.Diff(want, loadErr(path)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCheckStateDir(t *testing.T) {
	dir := t.TempDir()
	p := func(name string, mode os.FileMode) string {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, mode); err != nil { // whatever the umask
			t.Fatal(err)
		}
		return d
	}
	good, lax, shared := p("good", 0o700), p("lax", 0o777), p("shared", 0o730)
	for _, tt := range []struct{ path, want string }{
		{good, ""},
		{filepath.Join(dir, "missing"), ""}, // gifctl makes it, mode 0700
		{lax, lax + ": writable by others than its owner; run chmod 700 " + lax},
		{shared, shared + ": writable by others than its owner; run chmod 700 " + shared},
		{filepath.Join(dir, "good", "x", "y"), ""},
	} {
		got := ""
		if err := CheckStateDir(tt.path); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckStateDir(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(good, 65534, 0); err != nil {
			t.Fatal(err)
		}
		if err := CheckStateDir(good); err == nil || err.Error() != good+": owned by uid 65534, not root; run chown root "+good {
			t.Errorf("CheckStateDir of a directory owned by nobody: %v", err)
		}
	}
}
