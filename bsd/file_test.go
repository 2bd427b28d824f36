package bsd

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	if err := os.WriteFile(p("ok"), []byte("tunnel 192.0.2.1 192.0.2.2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p("big"), make([]byte, 101), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(p("ok"), p("link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p("fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(p("ok"), 100); err != nil || string(data) != "tunnel 192.0.2.1 192.0.2.2\n" {
		t.Errorf("ReadFile(ok) = %q, %v", data, err)
	}
	if _, err := ReadFile(p("missing"), 100); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing): %v, want fs.ErrNotExist", err)
	}
	for name, want := range map[string]string{
		"big":  ": larger than 100 bytes",
		"link": ": a symbolic link, not followed",
		"fifo": ": not a regular file", // without blocking: no writer ever comes
		".":    ": not a regular file",
	} {
		if _, err := ReadFile(p(name), 100); err == nil || err.Error() != p(name)+want {
			t.Errorf("ReadFile(%s): %v, want %q", name, err, want)
		}
	}
	if _, err := ReadFile(p("big"), 101); err != nil {
		t.Errorf("ReadFile(big) at its size: %v", err)
	}
}
