package tempfiles

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/renameio/v2"
)

// Write replaces path with data atomically (a temporary file in the same
// directory, fsync, rename): a reader sees the old file or the new one,
// whole. The file is created 0600 less the umask and never chmod'ed:
// renameio.WriteFile would fchmod(2) it to an existing file's mode, and
// on OpenBSD the checks' pledge has no fattr, so that call would kill
// them. It is for gifctl's state files; hostname.IF, whose owner and mode
// matter, has its own writer in package restart.
//
// It first removes the temporary files of path that a writer killed
// mid-write left, once over a minute old: younger ones may be a write in
// progress, since state files are written without the lock (checks).
func Write(path string, data []byte) error {
	RemoveStale(path, time.Now().Add(-time.Minute))
	f, err := renameio.NewPendingFile(path, renameio.WithTempDir(filepath.Dir(path)), renameio.WithPermissions(0o600))
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.CloseAtomicallyReplace()
}

// IsTemp reports whether name is a temporary file renameio creates for a
// target named base: "." + base + a decimal int64, which may be negative.
func IsTemp(name, base string) bool {
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
		if !e.Type().IsRegular() || !IsTemp(e.Name(), base) {
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
