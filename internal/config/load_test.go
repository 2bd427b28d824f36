package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeConf(t *testing.T, data string, mode fs.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gifctl.conf")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	// Chmod, not WriteFile's mode, which the umask would trim.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadPermissions(t *testing.T) {
	small := string(readTestdata(t, "small.conf"))
	tests := []struct {
		mode fs.FileMode
		want string // error after "PATH: ", with PATH for the file's path; "" for none
	}{
		{0o600, ""},
		{0o400, ""},
		{0o640, ""},
		{0o440, ""},
		{0o700, ""}, // odd, but the owner alone
		{0o644, "readable by others; run chmod 600 PATH"},
		{0o604, "readable by others; run chmod 600 PATH"},
		{0o666, "readable by others; run chmod 600 PATH"},
		{0o602, "mode 0602 gives others access; run chmod 600 PATH"},
		{0o601, "mode 0601 gives others access; run chmod 600 PATH"},
		{0o663, "mode 0663 gives others access; run chmod 600 PATH"},
		{0o620, "writable by its group; run chmod 600 PATH"},
		{0o660, "writable by its group; run chmod 600 PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			path := writeConf(t, small, tt.mode)
			c, err := Load(path)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.File != path || len(c.Tunnels) != 1 {
					t.Errorf("Load = %+v, want the small example read from %s", c, path)
				}
				return
			}
			want := path + ": " + strings.ReplaceAll(tt.want, "PATH", path)
			if err == nil {
				t.Fatalf("Load accepted mode %v, want %q", tt.mode, want)
			}
			if diff := cmp.Diff(want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.conf")
	_, err := Load(missing)
	if diff := cmp.Diff(missing+": no such file or directory", errString(err)); diff != "" {
		t.Errorf("missing file (-want +got):\n%s", diff)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: errors.Is(%v, fs.ErrNotExist) = false", err)
	}

	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir)
	if diff := cmp.Diff(dir+": not a regular file", errString(err)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}

	// A syntax error names the path given to Load.
	path := writeConf(t, "tunnel gif0 {\n\tegres em0\n}\n", 0o600)
	_, err = Load(path)
	if diff := cmp.Diff(path+`:2: unknown keyword "egres"; did you mean "egress"?`, errString(err)); diff != "" {
		t.Errorf("syntax error (-want +got):\n%s", diff)
	}

	big := writeConf(t, strings.Repeat("#\n", maxFileSize), 0o600)
	_, err = Load(big)
	if diff := cmp.Diff(big+": larger than 1048576 bytes", errString(err)); diff != "" {
		t.Errorf("big file (-want +got):\n%s", diff)
	}
}

// A symbolic link is followed; the file it points to is what is checked.
func TestLoadSymlink(t *testing.T) {
	target := writeConf(t, string(readTestdata(t, "small.conf")), 0o600)
	link := filepath.Join(t.TempDir(), "link.conf")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(link); err != nil {
		t.Errorf("Load(symlink to a 0600 file): %v", err)
	}
	if err := os.Chmod(target, 0o644); err != nil {
		t.Fatal(err)
	}
	want := link + ": readable by others; run chmod 600 " + link
	if diff := cmp.Diff(want, loadErr(link)); diff != "" {
		t.Errorf("symlink to a 0644 file (-want +got):\n%s", diff)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func loadErr(path string) string {
	_, err := Load(path)
	return errString(err)
}
