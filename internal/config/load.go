package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

const maxFileSize = 1 << 20 // what Load reads; a gifctl.conf is a few hundred bytes

// Load reads and parses the file at path. It holds credentials and names what
// root runs, so Load refuses, as parse.y's check_file_secrecy does, a file not
// regular, not root's (or gifctl's user's), group-writable or open to others.
func Load(path string) (*Config, error) {
	// O_NONBLOCK: a FIFO is refused below, not waited on for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileErr(path, err)
	}
	if err := checkSecrecy(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	switch {
	case err != nil:
		return nil, fileErr(path, err)
	case len(data) > maxFileSize:
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxFileSize)
	}
	return Parse(path, data)
}

// fileErr words a file system error "PATH: reason", keeping errors.Is.
func fileErr(path string, err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func checkSecrecy(path string, fi fs.FileInfo) error {
	perm := fi.Mode().Perm()
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", path)
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

// checkOwner refuses what is owned by another than root or gifctl's user.
func checkOwner(path string, fi fs.FileInfo) error {
	if uid := int(fi.Sys().(*syscall.Stat_t).Uid); uid != 0 && uid != os.Getuid() {
		return fmt.Errorf("%s: owned by uid %d, not root; run chown root %s", path, uid, path)
	}
	return nil
}

// CheckStateDir refuses a state-dir where another user could plant a link
// at the lock, for root to truncate, or a false update record.
func CheckStateDir(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // gifctl makes it 0700
	case err != nil:
		return fileErr(path, err)
	case !fi.IsDir():
		return fmt.Errorf("%s: not a directory", path)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s: writable by others than its owner; run chmod 700 %s", path, path)
	}
	return checkOwner(path, fi)
}
