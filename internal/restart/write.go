package restart

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/google/renameio/v2"
)

// newFileMode is for a hostname.IF gifctl creates: netstart wants root:wheel
// and no "other" bits, and 0640 is what the OpenBSD FAQ uses.
const newFileMode = 0o640

// writeFile replaces path with data atomically: a reader (netstart, or a
// crash) sees the old file or the new one, whole. The temp file lives in the
// same directory, named .hostname.IF<digits>, which netstart ignores since
// it only reads hostname.<letters><digits>.
func writeFile(path string, data []byte, create bool) error {
	mode, uid, gid := fs.FileMode(newFileMode), 0, 0
	if !create {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		// Keep the admin's mode, less what netstart would complain about.
		mode = fi.Mode().Perm() &^ 0o007
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			uid, gid = int(st.Uid), int(st.Gid)
		}
	}
	dir := filepath.Dir(path)
	f, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithStaticPermissions(mode))
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if os.Geteuid() == 0 {
		if err := f.Chown(uid, gid); err != nil {
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
