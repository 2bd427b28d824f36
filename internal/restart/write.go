package restart

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// fileMode is the loosest mode hostname.IF gets, and the mode of one gifctl
// creates: netstart warns about "other" bits, group write would let a
// non-root user add lines that netstart runs as root, and 0640 is what the
// OpenBSD FAQ uses.
const fileMode = 0o640

// writeFile replaces path with data atomically: a reader (netstart, or a
// crash) sees the old file or the new one, whole. The temp file lives in the
// same directory, named .hostname.IF<digits>, which netstart ignores since
// it only reads hostname.<letters><digits>.
//
// The new file is root:wheel, whoever owned the old one: every line of
// hostname.IF runs as root, so it must not stay writable by another user.
// Its mode is the old one less what fileMode does not allow, so an admin's
// 0600 stays 0600.
func writeFile(path string, data []byte, create bool) error {
	mode := fs.FileMode(fileMode)
	if !create {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		mode = fi.Mode().Perm() & fileMode
	}
	dir := filepath.Dir(path)
	f, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithStaticPermissions(mode))
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if os.Geteuid() == 0 {
		if err := f.Chown(0, 0); err != nil { // root:wheel
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
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
