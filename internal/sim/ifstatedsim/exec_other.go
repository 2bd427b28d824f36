//go:build !unix

package ifstatedsim

import "os/exec"

// ownGroup does nothing where there are no process groups: a cancelled
// context kills the shell alone.
func ownGroup(*exec.Cmd) {}
