package bsd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func TestRunOutput(t *testing.T) {
	out, err := Run(context.Background(), []string{"/bin/sh", "-c", "echo one; echo two >&2; echo three"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("one\ntwo\nthree\n", string(out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestRunExitStatus(t *testing.T) {
	out, err := Run(context.Background(), []string{"/bin/sh", "-c", "echo first; echo 'pf.conf:12: syntax error' >&2; echo; exit 3"})
	if err == nil {
		t.Fatal("no error for exit 3")
	}
	want := "/bin/sh -c echo first; echo 'pf.conf:12: syntax error' >&2; echo; exit 3: exited 3: pf.conf:12: syntax error"
	if got := err.Error(); got != want {
		t.Errorf("error = %q\nwant    %q", got, want)
	}
	if !bytes.HasPrefix(out, []byte("first\n")) {
		t.Errorf("output = %q", out)
	}
}

func TestRunKilledBySignal(t *testing.T) {
	_, err := Run(context.Background(), []string{"/bin/sh", "-c", "kill -TERM $$"})
	if err == nil || !strings.HasSuffix(err.Error(), ": killed by SIGTERM") {
		t.Errorf("err = %v, want killed by SIGTERM", err)
	}
}

func TestRunRefuses(t *testing.T) {
	for _, argv := range [][]string{nil, {"sh", "-c", "true"}, {"bin/sh"}} {
		if _, err := Run(context.Background(), argv); err == nil {
			t.Errorf("Run(%q) succeeded", argv)
		}
	}
	_, err := Run(context.Background(), []string{"/nonexistent/ifconfig", "gif0"})
	if got, want := errString(err), "/nonexistent/ifconfig gif0: no such file or directory"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, []string{"/bin/true"}); !errors.Is(err, context.Canceled) {
		t.Errorf("done context: err = %v", err)
	}
}

func TestRunEnvironmentIsFixed(t *testing.T) {
	t.Setenv("GIFCTL_TEST_SECRET", "0123abcd")
	out, err := Run(context.Background(), []string{"/usr/bin/env"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("PATH=/sbin:/usr/sbin:/bin:/usr/bin\n", string(out)); diff != "" {
		t.Errorf("child environment (-want +got):\n%s", diff)
	}
}

func TestRunOutputBounded(t *testing.T) {
	// 200 KB of x, then a last line: the tail is what is kept.
	out, err := Run(context.Background(), []string{"/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do printf '%0100d\\n' 0; i=$((i+1)); done; echo END"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != runOutputMax {
		t.Errorf("kept %d bytes, want %d", len(out), runOutputMax)
	}
	if !bytes.HasSuffix(out, []byte("\nEND\n")) {
		t.Errorf("output does not end with END: ...%q", out[max(0, len(out)-20):])
	}
}

func TestCommandName(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want string
	}{
		{[]string{"/bin/sh", "/etc/netstart", "gif0"}, "/etc/netstart gif0"},
		{[]string{"/bin/sh", "-c", "true"}, "/bin/sh -c true"},
		{[]string{"/sbin/pfctl", "-n", "-f", "/etc/pf.conf"}, "/sbin/pfctl -n -f /etc/pf.conf"},
		{[]string{"/bin/sh"}, "/bin/sh"},
	} {
		if got := commandName(tt.argv); got != tt.want {
			t.Errorf("commandName(%q) = %q, want %q", tt.argv, got, tt.want)
		}
	}
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 8}
	for _, s := range []string{"abc", "defg", "hij", "k"} {
		b.Write([]byte(s))
	}
	if got := string(b.buf); got != "defghijk" {
		t.Errorf("kept %q, want %q", got, "defghijk")
	}
	b.Write([]byte("0123456789"))
	if got := string(b.buf); got != "23456789" {
		t.Errorf("kept %q, want %q", got, "23456789")
	}
}

// expiringCtx is a context whose deadline the test decides: Err reports
// DeadlineExceeded once expire is called. No clock is involved.
type expiringCtx struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newExpiringCtx() *expiringCtx {
	return &expiringCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c *expiringCtx) Done() <-chan struct{} { return c.done }
func (c *expiringCtx) expire()               { c.once.Do(func() { close(c.done) }) }
func (c *expiringCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// waitForFile waits until the child wrote path (atomically, by rename).
func waitForFile(t *testing.T, path string) []byte {
	t.Helper()
	giveUp := time.After(patience)
	for {
		b, err := os.ReadFile(path)
		if err == nil {
			return b
		}
		select {
		case <-giveUp:
			t.Fatalf("child never wrote %s", path)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// patience bounds the waits for other processes: generous, it only turns a
// hang into a failure.
const patience = 10 * time.Second

// dead reports whether pid is gone or a zombie (reaped later by whoever
// inherited it).
func dead(pid int) bool {
	if err := unix.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return os.IsNotExist(err)
	}
	// pid (comm) S ...: the state follows the last ')'.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] == 'Z' || stat[i+2] == 'X'
	}
	return false
}

func waitDead(t *testing.T, pid int) {
	t.Helper()
	giveUp := time.After(patience)
	for !dead(pid) {
		select {
		case <-giveUp:
			t.Fatalf("pid %d still alive", pid)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// childPids waits for the pid file a test's script writes and reads it;
// the processes still alive when the test ends are killed.
func childPids(t *testing.T, pidFile string) []int {
	t.Helper()
	b := waitForFile(t, pidFile)
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pid file: %q", b)
		}
		pids = append(pids, pid)
	}
	t.Cleanup(func() {
		for _, pid := range pids {
			if !dead(pid) {
				unix.Kill(pid, unix.SIGKILL)
			}
		}
	})
	return pids
}

// The child and its background grandchild both die at the deadline.
func TestRunDeadlineKillsGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pids")
	script := "echo started; sleep 100 & echo $! > " + pidFile + ".tmp; echo $$ >> " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile + "; wait"
	ctx := newExpiringCtx()
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := Run(ctx, []string{"/bin/sh", "-c", script})
		done <- result{out, err}
	}()
	pids := childPids(t, pidFile)
	if len(pids) != 2 {
		t.Fatalf("pids = %v", pids)
	}
	ctx.expire()
	r := <-done
	if r.err == nil || !strings.Contains(r.err.Error(), ": timed out after ") {
		t.Errorf("err = %v, want a time-out", r.err)
	}
	if !strings.HasPrefix(errString(r.err), "/bin/sh -c echo started; sleep 100 &") {
		t.Errorf("error does not name the command: %v", r.err)
	}
	if string(r.out) != "started\n" {
		t.Errorf("output = %q", r.out)
	}
	for _, pid := range pids {
		waitDead(t, pid)
	}
}

// A grandchild that left the process group but holds the output pipe
// does not keep Run waiting after the deadline.
func TestRunEscapedGrandchildHoldingPipe(t *testing.T) {
	setsid := "/usr/bin/setsid"
	if _, err := os.Stat(setsid); err != nil {
		t.Skip("no setsid(1)")
	}
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	script := setsid + " sh -c 'echo $$ > " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile + "; exec sleep 100' & wait"
	ctx := newExpiringCtx()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, []string{"/bin/sh", "-c", script})
		done <- err
	}()
	childPids(t, pidFile) // the setsid escapee is killed at the end
	ctx.expire()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v, want a time-out", err)
	}
}

// After exit 0, a background process still holding the pipe delays Run by
// at most a second (WaitDelay), and the run counts as a success.
func TestRunBackgroundAfterSuccess(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	out, err := Run(context.Background(), []string{"/bin/sh", "-c", "sleep 100 & echo $! > " + pidFile + "; echo ok"})
	if pids := childPids(t, pidFile); len(pids) == 1 {
		unix.Kill(pids[0], unix.SIGKILL)
	}
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "ok\n" {
		t.Errorf("output = %q", out)
	}
}

func TestRunRefusedWhenPledgeForbids(t *testing.T) {
	setPledged("stdio inet")
	t.Cleanup(func() { pledged.Store(nil) })
	_, err := Run(context.Background(), []string{"/bin/true"})
	if got, want := errString(err), `run /bin/true: not allowed after pledge "stdio inet" (needs exec)`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// SIGTERM to gifctl while a command runs kills the command's whole group
// (the script and its background sleep), Run's error names the signal,
// and no further command starts.
func TestRunSignalKillsGroup(t *testing.T) {
	ctx, stop := WithSignals(context.Background())
	defer stop()
	pidFile := filepath.Join(t.TempDir(), "pids")
	script := "sleep 100 & echo $! > " + pidFile + ".tmp; echo $$ >> " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile + "; wait"
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, []string{"/bin/sh", "-c", script})
		done <- err
	}()
	pids := childPids(t, pidFile)
	if err := unix.Kill(os.Getpid(), unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || !strings.HasSuffix(err.Error(), ": gifctl got SIGTERM") {
		t.Errorf("err = %v, want the signal named", err)
	}
	for _, pid := range pids {
		waitDead(t, pid)
	}
	if _, err := Run(ctx, []string{"/bin/true"}); err == nil || err.Error() != "/bin/true: not started: gifctl got SIGTERM" {
		t.Errorf("a command after the signal: err = %v, want not started", err)
	}
}
