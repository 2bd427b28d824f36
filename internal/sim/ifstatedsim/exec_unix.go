//go:build unix

package ifstatedsim

import (
	"os/exec"
	"syscall"
)

// ownGroup puts the shell in a process group of its own and makes a
// cancelled context kill the whole group, as SIGKILL to a hung ping would
// leave nothing behind under ifstated either when sh execs it.
func ownGroup(c *exec.Cmd) {
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
}
