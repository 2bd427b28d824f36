package netns

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 3 * time.Second

// Process is a tracked process started inside a namespace.
type Process struct {
	Argv []string

	cmd  *exec.Cmd
	out  lockedBuffer
	done chan struct{}
	err  error // Wait's result, set before done closes
}

func startProcess(ns string, env []string, tee io.Writer, argv []string) (*Process, error) {
	p := &Process{Argv: argv, done: make(chan struct{})}
	p.out.tee = tee
	// ip netns exec execs argv in place, so the pid is argv's own.
	p.cmd = exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = &p.out
	p.cmd.Stderr = &p.out
	// Its own process group: Stop signals the group, so children the
	// program forks go with it.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start %s: %w", ns, strings.Join(argv, " "), err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process id (also its process group id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Output is everything it wrote to stdout and stderr so far.
func (p *Process) Output() string { return p.out.String() }

// Done is closed when the process has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is how the process ended (exec.Cmd.Wait's error), once Done is
// closed; nil before.
func (p *Process) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Exited reports whether the process has exited and been reaped.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM to the process group, then SIGKILL after a grace
// period, and waits for the process. It returns nil if it ended either way
// (a daemon killed by our signal is not an error).
func (p *Process) Stop() error {
	if p.Exited() {
		return nil
	}
	pgid := p.Pid()
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
		syscall.Kill(-pgid, syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(stopGrace):
			return fmt.Errorf("%s (pid %d): still running after SIGKILL", strings.Join(p.Argv, " "), pgid)
		}
	}
	// Anything left in the group (a child that ignored SIGTERM) goes too.
	syscall.Kill(-pgid, syscall.SIGKILL)
	return nil
}

// lockedBuffer is a bytes.Buffer safe for the process's writes and the
// test's reads at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	tee io.Writer // also gets every write, when set
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tee != nil {
		b.tee.Write(p)
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
