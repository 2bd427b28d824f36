//go:build !openbsd

package bsd

import "fmt"

// Apply does nothing off OpenBSD, where there is no unveil(2) or pledge(2),
// except refuse a plan that would be refused on OpenBSD, so the
// simulation on Linux catches a broken plan too.
func (p Plan) Apply() error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}
