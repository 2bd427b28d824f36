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

// Write replaces path with data atomically (temporary file, fsync, rename,
// directory fsync): readers and crashes see the old or the new file, whole.
// Mode 0 makes it 0600 less the umask, never chmod'ed (checks write state
// pledged without fattr); else exactly mode and, as root, root:wheel (fattr,
// chown), as a root shell runs hostname.IF. It first removes path's temporary
// files a minute old; a younger one may be a write in progress (checks take no
// lock).
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
	d, err := os.Open(dir) // the rename lasts once the directory is on disk
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

// RemoveStale removes path's temporary files older than cutoff, or all with the
// zero cutoff (for a holder of the lock all writers of path take). One left is
// only clutter.
func RemoveStale(path string, cutoff time.Time) {
	dir, base := filepath.Split(path)
	entries, _ := os.ReadDir(cmp.Or(dir, "."))
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTemp(e.Name(), base) {
			continue
		}
		if info, err := e.Info(); !cutoff.IsZero() && (err != nil || !info.ModTime().Before(cutoff)) {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}
