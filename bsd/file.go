package bsd

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/renameio/v2"
	"golang.org/x/sys/unix"
)

// MaxSmallFile bounds the few-line files gifctl reads: hostname.IF, state.
const MaxSmallFile = 64 << 10

// ReadFile reads regular file path, at most max bytes, neither blocking nor
// following a link: a planted FIFO would block past every deadline, a huge file
// fill memory, a link choose what gifctl believes. ENOENT stays fs.ErrNotExist.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := openRegular(path, os.O_RDONLY, 0, "")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return data, nil
}

// openRegular opens path neither blocking nor following a link, and refuses
// anything but a regular file with an error ending in hint.
func openRegular(path string, flag int, perm fs.FileMode, hint string) (*os.File, error) {
	f, err := os.OpenFile(path, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK, perm)
	if errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("%s: a symbolic link, not followed%s", path, hint)
	}
	if err != nil {
		return nil, err // *PathError: "open PATH: no such file or directory"
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file%s", path, hint)
	}
	return f, nil
}

// WriteFile replaces path with data atomically (temporary file, fsync, rename,
// directory fsync): readers and crashes see the old or the new file, whole.
// Mode 0: 0600 less the umask, no chmod (checks write state pledged without
// fattr); else exactly mode and, as root, root:wheel (fattr, chown), as a root
// shell runs hostname.IF. First it removes path's temporary files a minute
// old; younger ones may be writes in progress (checks take no lock).
func WriteFile(path string, data []byte, mode fs.FileMode) error {
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
	_, err = f.Write(data)
	if err == nil && mode != 0 && os.Geteuid() == 0 {
		err = f.Chown(0, 0)
	}
	if err == nil {
		err = f.CloseAtomicallyReplace()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	d, err := os.Open(dir) // the rename lasts once the directory is on disk
	if err == nil {
		err = d.Sync() // *PathError: "sync DIR: input/output error"
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
// zero cutoff (for a holder of the lock all writers of path take). A gifctl
// killed mid-write (ifstated's timeout, a reboot) leaves one: only clutter.
func RemoveStale(path string, cutoff time.Time) {
	dir, base := filepath.Split(path)
	entries, _ := os.ReadDir(cmp.Or(dir, "."))
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTemp(e.Name(), base) {
			continue
		}
		if info, err := e.Info(); cutoff.IsZero() || err == nil && info.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// FileLock is a file with an exclusive flock(2), held until Unlock or exit.
type FileLock os.File

// Lock takes an exclusive flock(2) on path, created 0644 if needed, and writes
// this pid into it. While another holds it, it retries every 50 ms until ctx
// ends, then names the holder: "PATH: held by pid 4242; gave up after 10s".
// flock belongs to the open file description: two Locks in one process exclude
// each other; no child of Run keeps it (close-on-exec).
func Lock(ctx context.Context, path string) (*FileLock, error) {
	if err := checkPledged("lock "+path, "flock"); err != nil {
		return nil, err
	}
	// Not through a link: a planted one would have root truncate its target.
	f, err := openRegular(path, os.O_RDWR|os.O_CREATE, 0o644, "; remove it")
	if err != nil {
		return nil, err
	}
	flock := func() error {
		return os.NewSyscallError("flock", unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB))
	}
	start := time.Now()
	for err = flock(); errors.Is(err, unix.EWOULDBLOCK) || errors.Is(err, unix.EINTR); err = flock() {
		if ctx.Err() != nil {
			err = fmt.Errorf("held by %s; gave up after %v", lockHolder(f), roundElapsed(time.Since(start)))
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond): // short next to ifstated's 5 s checks
		}
	}
	// Only the holder writes: a waiter reads its pid (or, an instant, none).
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if err == nil {
		_, err = f.WriteAt(pid, 0)
	}
	if err == nil {
		err = f.Truncate(int64(len(pid)))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return (*FileLock)(f), nil
}

func lockHolder(f *os.File) string {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	if pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:n]))); err == nil && pid > 0 {
		return "pid " + strconv.Itoa(pid)
	}
	return "another process"
}

// Unlock closes the file, which drops the flock and, unlike flock(LOCK_UN),
// needs no promise. The pid stays: it is read only while the lock is held.
// Unlocking twice, or a nil FileLock (no lock taken), is an error.
func (l *FileLock) Unlock() error { return (*os.File)(l).Close() }
