//go:build !openbsd && !linux

package bsd

import "fmt"

// Apply does nothing where there is neither unveil(2) and pledge(2) nor
// Landlock and seccomp, except refuse a plan that would be refused on
// OpenBSD.
func (p Plan) Apply() error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}
