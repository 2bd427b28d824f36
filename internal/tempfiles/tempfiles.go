package tempfiles

import (
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/renameio/v2"
)

// Write replaces path with data atomically (a temporary file in the same
// directory, fsync, rename, fsync of the directory): a reader, netstart or
// a crash, sees the old file or the new one, whole. With mode 0 the file is
// created 0600 less the umask and never chmod'ed, for the state files that
// checks write under a pledge without fattr; else it gets exactly mode and,
// as root, owner root:wheel (promises fattr, chown), as a root shell runs
// hostname.IF. It first removes the temporary files of path that a killed
// writer left once a minute old: a younger one may be a write in progress,
// as checks write state files without the lock.
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
		err = f.Chown(0, 0)
	}
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.CloseAtomicallyReplace()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	d, err := os.Open(dir) // the rename lasts only once the directory is on disk
	if err == nil {
		if err = d.Sync(); err != nil {
			err = fmt.Errorf("%s: fsync: %w", dir, err)
		}
		d.Close()
	}
	return err
}

// isTemp reports whether name is one of renameio's temporary files for base.
func isTemp(name, base string) bool {
	n, ok := strings.CutPrefix(name, "."+base)
	_, err := strconv.ParseInt(n, 10, 64)
	return ok && err == nil && n[0] != '+'
}

// RemoveStale removes the temporary files of path last modified before
// cutoff, or all with the zero cutoff (for a caller holding the lock every
// writer of path holds), and returns their names. A file left is clutter.
func RemoveStale(path string, cutoff time.Time) []string {
	dir, base := filepath.Split(path)
	entries, _ := os.ReadDir(cmp.Or(dir, "."))
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTemp(e.Name(), base) {
			continue
		}
		if info, err := e.Info(); !cutoff.IsZero() && (err != nil || !info.ModTime().Before(cutoff)) {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
