package bsd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// RunEnv is all of Run's environment: no secret, LD_PRELOAD, IFS or ENV passes.
var RunEnv = []string{"PATH=/sbin:/usr/sbin:/bin:/usr/bin"}

// runOutputMax bounds the output Run keeps: the end is where the error is.
const runOutputMax = 64 << 10

// Run runs argv (argv[0] absolute, no shell) with stdin /dev/null (which
// pledge always allows, kern_pledge.c pledge_namei), gifctl's working
// directory (a chdir would need it unveiled) and RunEnv, and returns the last
// 64 KiB of its stdout and stderr. It leads its own process group, all
// SIGKILLed when ctx ends (a hung `!cmd` of a hostname.if, a `sleep` in
// netstart). Errors name the command as typed:
//
//	/etc/netstart gif0: timed out after 5s
//	/sbin/pfctl -f /etc/pf.conf: exited 1: /etc/pf.conf:12: syntax error
func Run(ctx context.Context, argv []string) (out []byte, err error) {
	if len(argv) == 0 || !filepath.IsAbs(argv[0]) {
		return nil, fmt.Errorf("run %q: no absolute path to a program", argv)
	}
	name := commandName(argv)
	op := "run " + argv[0]
	if err := cmp.Or(checkPledged(op, "exec"), checkPledged(op, "proc")); err != nil {
		return nil, err
	}
	if err := context.Cause(ctx); err != nil {
		return nil, fmt.Errorf("%s: not started: %w", name, err)
	}

	buf := &tailBuffer{max: runOutputMax}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = RunEnv
	cmd.Stdout, cmd.Stderr = buf, buf // one writer: one pipe, the order kept
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := unix.Kill(-cmd.Process.Pid, unix.SIGKILL) // the leader's pid is the group id
		if errors.Is(err, unix.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
	cmd.WaitDelay = time.Second // then the pipe closes on escapees (setsid) holding it

	start := time.Now()
	err = cmd.Run()
	out = buf.buf
	if ctxErr := context.Cause(ctx); ctxErr != nil && err != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return out, fmt.Errorf("%s: timed out after %v", name, roundElapsed(time.Since(start)))
		}
		return out, fmt.Errorf("%s: %w", name, ctxErr)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		return out, nil // ErrWaitDelay: it exited 0; something it left held the pipe
	case errors.As(err, &exitErr):
		what := fmt.Sprintf("exited %d", exitErr.ExitCode())
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			what = "killed by " + signalName(ws.Signal())
		}
		if last := lastLine(out); last != "" {
			what += ": " + last
		}
		return out, fmt.Errorf("%s: %s", name, what)
	default:
		// Start failed: "fork/exec /sbin/x: no such file or directory".
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			err = pe.Err
		}
		return out, fmt.Errorf("%s: %w", name, err)
	}
}

// WithSignals returns ctx, ended with the cause "gifctl got SIGTERM" on
// SIGTERM, SIGINT or SIGHUP, so Run kills the running group (a netstart left
// would overlap the next restart's). stop restores the default actions.
func WithSignals(ctx context.Context) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGINT, unix.SIGHUP)
	go func() {
		select {
		case s := <-sigs:
			cancel(fmt.Errorf("gifctl got %s", signalName(s.(syscall.Signal))))
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sigs); cancel(nil) }
}

// Bound gives c ctx's deadline and, when ctx ends, one in the past, which
// wakes a blocked read or write (a closed c fails at it anyway). stop waits
// for that move, so it never reaches a later call.
func Bound(ctx context.Context, c interface{ SetDeadline(time.Time) error }) (stop func()) {
	deadline, _ := ctx.Deadline()
	c.SetDeadline(deadline)
	moved := make(chan struct{})
	unregister := context.AfterFunc(ctx, func() {
		defer close(moved)
		c.SetDeadline(time.Unix(1, 0))
	})
	return func() {
		if !unregister() {
			<-moved
		}
	}
}

// commandName is argv for messages; `/bin/sh SCRIPT ARGS` is named by SCRIPT.
func commandName(argv []string) string {
	if len(argv) > 1 && (argv[0] == "/bin/sh" || argv[0] == "/bin/ksh") && !strings.HasPrefix(argv[1], "-") {
		argv = argv[1:]
	}
	return strings.Join(argv, " ")
}

// roundElapsed makes "5s" of 5.0013s, and keeps milliseconds under 1s.
func roundElapsed(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

func signalName(s syscall.Signal) string { return cmp.Or(unix.SignalName(s), s.String()) }

// lastLine is out's last non-blank line, trimmed and cut to 200 bytes.
func lastLine(out []byte) string {
	s := strings.TrimSpace(string(out))
	s = strings.TrimSpace(s[strings.LastIndexByte(s, '\n')+1:])
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// tailBuffer keeps the last max bytes written to it. os/exec calls Write
// from one goroutine at a time when Stdout and Stderr are the same writer.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	t.buf = t.buf[max(0, len(t.buf)-t.max):]
	return len(p), nil
}
