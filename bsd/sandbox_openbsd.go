package bsd

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Apply unveils each path of p, locks the list (unveil(NULL, NULL)) and
// pledges p.Promises, in that order: pledging first would need the promise
// unveil. Call it after every socket, ioctl and syslog connection, and
// after making the state directory: files made later in a directory that
// did not exist at unveil time stay hidden.
//
// Only the promises are set (unix.PledgePromises), never execpromises:
// with those "" every program gifctl runs would die on its first system
// call; without, execve starts them with no pledge and no unveil.
//
// A path whose directory does not exist, or is a file, is skipped (ENOENT,
// ENOTDIR): nothing could be opened there, and a check still answers.
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
