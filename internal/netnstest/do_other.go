//go:build !linux

package netnstest

import (
	"fmt"
	"os"
	"runtime"
)

// Do needs Linux: there are no network namespaces to enter elsewhere.
func (ns *NS) Do(f func() error) error {
	return fmt.Errorf("%s: not implemented on %q: %w", ns.Name, runtime.GOOS, os.ErrNotExist)
}
