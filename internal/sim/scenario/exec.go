package scenario

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Run is one command the World ran in the router, as ifstated's test or
// action, or as the admin.
type Run struct {
	Cmd        string
	Start, End time.Duration // on the events' clock
	Code       int           // exit status; -1 when killed
	Output     string        // stdout and stderr, as they came
}

// runs keeps every Run, for assertions.
type runs struct {
	mu   sync.Mutex
	list []Run
}

func (r *runs) add(x Run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, x)
}

// Runs returns the commands run so far whose command line contains s, in
// the order they ended.
func (w *World) Runs(s string) []Run {
	w.runs.mu.Lock()
	defer w.runs.mu.Unlock()
	var out []Run
	for _, r := range w.runs.list {
		if strings.Contains(r.Cmd, s) {
			out = append(out, r)
		}
	}
	return out
}

// shellEnv is the environment of what the World runs in the router: as
// bare as ifstated's under rc.d. The commands use absolute paths anyway.
var shellEnv = []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}

// Shell runs cmd as ifstated does, `/bin/sh -c CMD` (there with system(3)
// and fork/exec), inside the router's namespace: ifstatedsim.Machine's Exec.
// The shell gets its own process group, killed whole when ctx ends, as
// ifstated's SIGKILL of a test that overran its interval leaves nothing
// behind when the shell has exec'd the command. Output is captured: each
// line of it becomes an event of the router, since ifstated itself throws
// it away but gifctl sends the same lines to syslog.
func (w *World) Shell(ctx context.Context, cmd string) (int, error) {
	start := w.ev.Since()
	c := exec.Command("ip", "netns", "exec", w.Lab.Router.Name, "/bin/sh", "-c", cmd)
	c.Env = w.env
	var out bytes.Buffer
	lines := &lineWriter{ev: w.ev, who: "router"}
	both := &lockedWriter{w: io.MultiWriter(&out, lines)}
	c.Stdout, c.Stderr = both, both
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		return -1, err
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		err = <-done
	}

	r := Run{Cmd: cmd, Start: start, End: w.ev.Since(), Output: out.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
		err = nil
	default:
		r.Code = -1
		err = fmt.Errorf("%s: %w", cmd, err)
	}
	lines.Write([]byte("\n")) // a last line without its newline
	w.runs.add(r)
	return r.Code, err
}

// lockedWriter serialises the writes of a command's stdout and stderr.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
