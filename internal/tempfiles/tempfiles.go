package tempfiles

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/renameio/v2"
)

// Write replaces path with data atomically with renameio: a temporary
// file in the same directory, fsync, rename, fsync of the directory. A
// reader (netstart, or a crash) sees the old file or the new one, whole.
//
// With mode 0 the file is created 0600 less the umask and never chmod'ed:
// that is for gifctl's state files, written by the checks, whose pledge on
// OpenBSD has no fattr. Otherwise the file gets exactly mode and, when
// gifctl runs as root, owner root:wheel (fchmod and fchown: promises fattr
// and chown): that is for hostname.IF, every line of which runs as root,
// so it must not stay writable by another user.
//
// It first removes the temporary files of path that a writer killed
// mid-write left, once over a minute old: younger ones may be a write in
// progress, since state files are written without the lock (checks).
func Write(path string, data []byte, mode fs.FileMode) error {
	RemoveStale(path, time.Now().Add(-time.Minute))
	dir := filepath.Dir(path)
	opt := renameio.WithPermissions(0o600)
	if mode != 0 {
		opt = renameio.WithStaticPermissions(mode)
	}
	f, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), opt)
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if mode != 0 && os.Geteuid() == 0 {
		if err := f.Chown(0, 0); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.CloseAtomicallyReplace(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// The rename is durable only once the directory is on disk too.
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("%s: fsync: %w", dir, err)
	}
	return nil
}

// isTemp reports whether name is a temporary file renameio creates for a
// target named base: "." + base + a decimal int64, which may be negative.
func isTemp(name, base string) bool {
	digits, ok := strings.CutPrefix(name, "."+base)
	if !ok {
		return false
	}
	digits = strings.TrimPrefix(digits, "-")
	if digits == "" || len(digits) > 19 {
		return false
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveStale removes the temporary files of path, in its directory, that
// were last modified before cutoff; the zero cutoff removes them all, for
// a caller holding the lock that every writer of path holds too. It
// returns the names removed. Errors are ignored: a file left is only
// clutter, and the write that follows is what the caller is after.
func RemoveStale(path string, cutoff time.Time) []string {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTemp(e.Name(), base) {
			continue
		}
		if !cutoff.IsZero() {
			info, err := e.Info()
			if err != nil || !info.ModTime().Before(cutoff) {
				continue
			}
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
