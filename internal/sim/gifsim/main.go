package gifsim

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/gifctl/gifctl/internal/sim/relay"
)

// ExecEnv, set to "1" in the environment, makes RunIfRequested run Main
// instead of the tests: a test binary then doubles as gifsim.
const ExecEnv = "GIFSIM_EXEC"

// CtlEnv names the default control directory for the subcommands when
// -ctl is not given, so stand-in scripts and ifstated-style callers need
// not pass it.
const CtlEnv = "GIFSIM_CTL"

// RunIfRequested runs Main with the process arguments and exits when
// ExecEnv is "1". Call it first in TestMain.
func RunIfRequested() {
	if os.Getenv(ExecEnv) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
}

// command is one subcommand: it gets its arguments (without its own name)
// and returns the exit status. A new subcommand (a simulated broker, say)
// is one more entry in commands.
type command func(args []string, stdout, stderr io.Writer) int

var commands = map[string]command{
	"broker":     brokerMain,
	"dhcpleased": dhcpleasedMain,
	"gif":        gifMain,
	"ifconfig":   ifconfigMain,
	"netstart":   netstartMain,
	"relay":      relay.ClientMain,
}

// Main runs the subcommand named by args[0] and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(args[1:], stdout, stderr)
		}
	}
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(stderr, "usage: gifsim %s ...\n", strings.Join(names, "|"))
	return 2
}

// ctlDir is -ctl's default: $GIFSIM_CTL, else /run/gifsim.
func ctlDir() string {
	if d := os.Getenv(CtlEnv); d != "" {
		return d
	}
	return "/run/gifsim"
}
