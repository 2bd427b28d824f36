package tempfiles

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

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
