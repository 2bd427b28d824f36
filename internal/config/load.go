package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// maxFileSize bounds what Load reads: a gifctl.conf is a few hundred bytes.
const maxFileSize = 1 << 20

// Load reads and parses the configuration file at path. The file holds
// broker credentials and names the programs gifctl runs as root, so Load
// first refuses what others could read or change, as OpenBSD's daemons
// with secrets do (check_file_secrecy in their parse.y): a file that is
// not regular, not owned by root (or by the user running gifctl),
// writable by its group, or with any permission for others. Unlike
// check_file_secrecy it lets the group read, as gifctl.conf(5) allows
// mode 0640.
func Load(path string) (*Config, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	if err := checkSecrecy(path, fi); err != nil {
		return nil, err
	}
	// Not waiting for a writer, should a FIFO have replaced the file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	// Check again what was opened: the path may have changed in between.
	ofi, err := f.Stat()
	if err != nil {
		return nil, fileErr(path, err)
	}
	if !os.SameFile(fi, ofi) {
		return nil, fmt.Errorf("%s: replaced while being opened", path)
	}
	if err := checkSecrecy(path, ofi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fileErr(path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxFileSize)
	}
	return Parse(path, data)
}

// fileErr words an error from the file system as "PATH: reason", keeping
// errors.Is(err, fs.ErrNotExist) true.
func fileErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func checkSecrecy(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	perm := fi.Mode().Perm()
	switch {
	case perm&0o004 != 0:
		return fmt.Errorf("%s: readable by others; run chmod 600 %s", path, path)
	case perm&0o007 != 0:
		return fmt.Errorf("%s: mode %04o gives others access; run chmod 600 %s", path, perm, path)
	case perm&0o020 != 0:
		// Whoever may write it chooses what root runs (set netstart).
		return fmt.Errorf("%s: writable by its group; run chmod 600 %s", path, path)
	}
	return checkOwner(path, fi)
}

// checkOwner refuses a file or directory owned by another user than root
// or the one running gifctl.
func checkOwner(path string, fi fs.FileInfo) error {
	if uid, ok := fileOwner(fi); ok && uid != 0 && uid != os.Getuid() {
		return fmt.Errorf("%s: owned by uid %d, not root; run chown root %s", path, uid, path)
	}
	return nil
}

// CheckStateDir refuses a state-dir that another user could write, as
// Load refuses a gifctl.conf others could read: whoever may write there
// could plant a link at the lock, which root would truncate, or a record
// of an update the broker never accepted. A missing one is fine: gifctl
// makes it, mode 0700.
func CheckStateDir(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fileErr(path, err)
	case !fi.IsDir():
		return fmt.Errorf("%s: not a directory", path)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s: writable by others than its owner; run chmod 700 %s", path, path)
	}
	return checkOwner(path, fi)
}
