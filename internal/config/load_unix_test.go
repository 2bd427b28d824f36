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
	// Refused before it is opened: opening a FIFO would block.
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
