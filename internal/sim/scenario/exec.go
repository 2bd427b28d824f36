package scenario

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	ByWatch    bool          // started by gifctl watch, through the relay
}

// runs keeps every Run, for assertions, and those under way.
type runs struct {
	mu      sync.Mutex
	list    []Run
	running map[*recording]bool
}

func (r *runs) start(x *recording) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running == nil {
		r.running = map[*recording]bool{}
	}
	r.running[x] = true
}

func (r *runs) end(x *recording, run Run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, x)
	r.list = append(r.list, run)
}

// watchBusy says whether a gifctl run that gifctl watch started is under
// way, or has ended but watch has not yet logged how (the relay sees the
// child exit a moment before watch's wait returns).
func (w *World) watchBusy() bool {
	w.runs.mu.Lock()
	ended := 0
	for _, r := range w.runs.list {
		if r.ByWatch {
			ended++
		}
	}
	running := false
	for r := range w.runs.running {
		running = running || r.run.ByWatch
	}
	w.runs.mu.Unlock()
	logged := 0
	for _, outcome := range []string{": restart done", ": restart failed", ": restart stopped"} {
		logged += len(w.ev.Find("watch", outcome))
	}
	return running || logged < ended
}

// Running returns the command lines of what the World runs in the router
// now: ifstated's tests and actions, the admin's commands, the gifctl
// runs of gifctl watch.
func (w *World) Running() []string {
	w.runs.mu.Lock()
	defer w.runs.mu.Unlock()
	var out []string
	for r := range w.runs.running {
		out = append(out, r.run.Cmd)
	}
	return out
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
	rec := w.record(cmd, false)
	c := exec.Command("ip", "netns", "exec", w.Lab.Router.Name, "/bin/sh", "-c", cmd)
	c.Env = w.env
	c.Stdout, c.Stderr = rec, rec
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

	code := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		code = ee.ExitCode()
		err = nil
	default:
		code = -1
		err = fmt.Errorf("%s: %w", cmd, err)
	}
	rec.end(code)
	return code, err
}

// recording is a Run under way: its output is kept and, a line at a time,
// becomes the router's events as it comes.
type recording struct {
	w     *World
	run   Run
	mu    sync.Mutex
	out   bytes.Buffer
	lines *lineWriter
}

// record starts a recording of cmd, which gifctl watch started if byWatch.
func (w *World) record(cmd string, byWatch bool) *recording {
	r := &recording{w: w, run: Run{Cmd: cmd, Start: w.ev.Since(), ByWatch: byWatch}, lines: &lineWriter{ev: w.ev, who: "router"}}
	w.runs.start(r)
	return r
}

func (r *recording) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Write(p)
	return r.lines.Write(p)
}

// end adds the Run, ended now with exit status code, to the World's.
func (r *recording) end(code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines.Write([]byte("\n")) // a last line without its newline
	r.run.End, r.run.Code, r.run.Output = r.w.ev.Since(), code, r.out.String()
	r.w.runs.end(r, r.run)
}
