package bsd

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Apply unveils each path of p, locks the list (unveil(NULL, NULL)) and
// pledges p.Promises, in that order: pledging first would need the promise
// unveil. Call it after every socket, ioctl and syslog connection is made,
// and after creating the state directory: a directory that does not exist
// yet is remembered as a plain name, and files made inside it later stay
// hidden.
//
// Only the promises are set, with unix.PledgePromises, never the
// execpromises: unix.Pledge(p, "") would pledge "" for every program gifctl
// runs, and sh, ifconfig and pfctl would die on their first system call.
// Without execpromises execve starts them with no pledge and no unveil.
//
// A path whose directory does not exist, or is a file, is skipped (unveil
// fails with ENOENT or ENOTDIR): nothing could be opened there anyway, and
// a check still answers without its state-dir.
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
