package ifstatedsim

import (
	"context"
	"errors"
	"os/exec"
)

// ShellExec runs cmd as ifstated does, /bin/sh -c cmd, with no input and its
// output thrown away, and returns the exit status. It returns an error when
// the command did not exit by itself: killed by a signal (ctx ended: the
// whole process group is killed) or not started.
func ShellExec(ctx context.Context, cmd string) (int, error) {
	c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	ownGroup(c)
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &ee) && ee.Exited():
		return ee.ExitCode(), nil
	}
	return -1, err
}
