package bsd

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
)

// pledged holds the promises of the Plan applied to this process, nil while
// none is. Only Apply on OpenBSD sets it: there a system call outside the
// promises kills the process with SIGABRT (pledge_fail), so the functions
// of this package that would make one check first and return an error that
// names the mistake instead. Tests set it directly.
var pledged atomic.Pointer[[]string]

// pledgedPromises returns the applied promises, nil when no plan is applied.
func pledgedPromises() []string {
	if p := pledged.Load(); p != nil {
		return *p
	}
	return nil
}

// setPledged records promises as applied.
func setPledged(promises string) {
	f := strings.Fields(promises)
	pledged.Store(&f)
}

// checkPledged returns nil when no plan is applied or the applied promises
// include at least one of anyOf; otherwise an error saying op is not
// allowed.
func checkPledged(op string, anyOf ...string) error {
	have := pledgedPromises()
	if have == nil {
		return nil
	}
	for _, p := range anyOf {
		if slices.Contains(have, p) {
			return nil
		}
	}
	return fmt.Errorf("%s: not allowed after pledge %q (needs %s)", op, strings.Join(have, " "), strings.Join(anyOf, " or "))
}
