// Command gifsim is the simulation's multi-call test program: the userspace
// gif daemon and the netstart and ifconfig stand-ins. See package
// github.com/gifctl/gifctl/internal/sim/gifsim.
package main

import (
	"os"

	"github.com/gifctl/gifctl/internal/sim/gifsim"
)

func main() {
	os.Exit(gifsim.Main(os.Args[1:], os.Stdout, os.Stderr))
}
