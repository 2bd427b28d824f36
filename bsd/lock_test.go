package bsd

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// expired returns a context that is already past its deadline: Lock then
// tries exactly once.
func expired() context.Context {
	c := newExpiringCtx()
	c.expire()
	return c
}

func TestLockWritesPid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), strconv.Itoa(os.Getpid())+"\n"; got != want {
		t.Errorf("lock file = %q, want %q", got, want)
	}
}

// flock belongs to the open file description: a second Lock in the same
// process is refused like one from another process.
func TestLockExcludesSecondDescriptor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(expired(), path)
	want := regexp.MustCompile("^" + regexp.QuoteMeta(path+": held by pid "+strconv.Itoa(os.Getpid())+"; gave up after ") + `\S+$`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("second Lock: err = %v, want match %v", err, want)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := Lock(expired(), path)
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	l2.Unlock()
}

func TestLockWaitsForUnlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		l2, err := Lock(context.Background(), path)
		if err == nil {
			err = l2.Unlock()
		}
		got <- err
	}()
	<-started
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("waiting Lock: %v", err)
	}
}

func TestLockUnknownHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if err := os.WriteFile(path, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Lock(expired(), path)
	if err == nil || !strings.Contains(err.Error(), ": held by another process; gave up after ") {
		t.Errorf("err = %v", err)
	}
}

func TestUnlockTwice(t *testing.T) {
	l, err := Lock(context.Background(), filepath.Join(t.TempDir(), "lock"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err == nil {
		t.Error("second Unlock succeeded")
	}
}

// app.close unlocks whether or not its command took the lock.
func TestUnlockNil(t *testing.T) {
	var l *FileLock
	if err := l.Unlock(); err == nil {
		t.Error("Unlock of no lock succeeded")
	}
}

func TestLockMissingDirectory(t *testing.T) {
	if _, err := Lock(context.Background(), filepath.Join(t.TempDir(), "nodir", "lock")); err == nil {
		t.Error("Lock in a missing directory succeeded")
	}
}

func TestLockRefusedWhenPledgeForbids(t *testing.T) {
	setPledged("stdio rpath wpath cpath")
	t.Cleanup(func() { pledged.Store(nil) })
	_, err := Lock(context.Background(), filepath.Join(t.TempDir(), "lock"))
	if err == nil || !strings.Contains(err.Error(), "needs flock") {
		t.Errorf("err = %v", err)
	}
}

// TestLockOtherProcess holds the lock in a second process (this test
// binary, re-run as a helper) and checks the message names its pid.
func TestLockOtherProcess(t *testing.T) {
	if path := os.Getenv("BSD_TEST_LOCK_HOLDER"); path != "" {
		l, err := Lock(context.Background(), path)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		// Hold it until the parent closes our stdin.
		bufio.NewReader(os.Stdin).ReadString('\n')
		l.Unlock()
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockOtherProcess$")
	cmd.Env = append(os.Environ(), "BSD_TEST_LOCK_HOLDER="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	defer func() {
		if !waited { // a failure below: let the helper go
			stdin.Close()
			cmd.Wait()
		}
	}()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}
	_, err = Lock(expired(), path)
	if want := path + ": held by pid " + strconv.Itoa(cmd.Process.Pid) + ";"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want prefix %q", err, want)
	}
	stdin.Close()
	waited = true
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	l, err := Lock(expired(), path)
	if err != nil {
		t.Fatalf("Lock after the holder exited: %v", err)
	}
	l.Unlock()
}

// A link or a FIFO at the lock is refused, and the file a link points to
// is left alone.
func TestLockRefusesLinkAndFIFO(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "lock")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(context.Background(), link); err == nil || err.Error() != link+": a symbolic link, not followed; remove it" {
		t.Errorf("Lock through a link: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("victim now %q", b)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(context.Background(), fifo); err == nil || err.Error() != fifo+": not a regular file; remove it" {
		t.Errorf("Lock on a FIFO: %v", err)
	}
}
