package bsd

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Apply unveils each path of p, locks the list (unveil(NULL, NULL)), then
// pledges p.Promises: pledging first would need the promise unveil. Call it
// after every socket, ioctl and syslog connection and after making the state
// directory: a directory missing at unveil time hides what is made in it later.
// A path under a missing directory or a file is skipped (ENOENT, ENOTDIR).
// execpromises stay unset, so execve starts children with no pledge or unveil;
// "" would kill them at their first system call.
func (p Plan) Apply() error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	for _, u := range p.Unveil {
		err := unix.Unveil(u.Path, u.Perms)
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("unveil %s %s: %w", u.Path, u.Perms, err)
		}
	}
	if err := unix.UnveilBlock(); err != nil {
		return fmt.Errorf("unveil: %w", err)
	}
	if err := unix.PledgePromises(p.Promises); err != nil {
		return fmt.Errorf("pledge %q: %w", p.Promises, err)
	}
	pledged.Store(&p.Promises)
	return nil
}
