package bsd

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// MaxSmallFile bounds the files gifctl reads that a person or gifctl
// writes a few lines into: hostname.IF, the state files.
const MaxSmallFile = 64 << 10

// ReadFile reads the regular file at path, at most max bytes, without
// waiting and without following a symbolic link at path: a FIFO planted
// there would block the read past every deadline (ifstated waits for its
// checks), a huge file would fill memory, and a link would let whoever
// made it choose what gifctl believes. Errors name path; a missing file
// stays errors.Is(err, fs.ErrNotExist).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("%s: a symbolic link, not followed", path)
	}
	if err != nil {
		return nil, err // *PathError: "open PATH: no such file or directory"
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s: not a regular file", path)
	case fi.Size() > max:
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > max { // it grew since the fstat
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return data, nil
}
