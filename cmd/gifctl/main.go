package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/gifctl/gifctl/ifstated"
	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/config"
)

// version is set by the Makefile with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses: the API ifstated reads.
const (
	exitOK     = 0 // done, consistent, a reply
	exitFailed = 1 // a step failed, or the check is false
	exitUsage  = 2 // bad usage or configuration
)

// errFalse is a check's "no": exit 1, nothing logged (-v said why).
var errFalse = errors.New("false")

// usageErr is bad usage or configuration: exit 2.
type usageErr struct{ error }

func (e usageErr) Unwrap() error { return e.error }

// usageError makes err, unless nil, exit 2.
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return usageErr{err}
}

// description heads gifctl --help; gifctl(8) is the full documentation.
const description = `Keep a gif(4) IPv6-in-IPv4 tunnel working on a router whose IPv4 address
changes: ifstated(8) runs "gifctl check ..." as tests and "gifctl restart"
as actions. Exit status: 0 done or true, 1 failed or false, 2 bad usage or
configuration. See gifctl(8).`

// CLI is the command line; its flags come before the command.
type CLI struct {
	Config   string           `short:"f" aliases:"c" default:"${config}" placeholder:"FILE" help:"Read the configuration from FILE (-c FILE also)."`
	Verbose  bool             `short:"v" help:"Say why a check is false and what each step did."`
	NoAction bool             `short:"n" name:"noaction" help:"Change nothing: check the configuration, or print what a command would do."`
	Version  kong.VersionFlag `help:"Print the version and exit."`

	Check     CheckCmd     `cmd:"" help:"Test the tunnel or the connectivity; the exit status is the answer."`
	Restart   RestartCmd   `cmd:"" help:"Point the tunnel at the egress address and tell the broker."`
	Update    UpdateCmd    `cmd:"" help:"Tell the broker the current address, without touching the tunnel."`
	Heartbeat HeartbeatCmd `cmd:"" help:"Send one SixXS-style heartbeat for a tunnel."`
	Status    StatusCmd    `cmd:"" help:"Show addresses, endpoints, the broker's last answer and the last checks."`
	Doctor    DoctorCmd    `cmd:"" help:"Say why the tunnel does not work, and how to fix it; changes nothing."`
	Ifstated  IfstatedCmd  `cmd:"" help:"Print an ifstated.conf(5) that drives gifctl."`
	Watch     WatchCmd     `cmd:"" help:"Restart a tunnel as soon as the egress address changes (rc.d/gifctl)."`

	ConfigTest ConfigTestCmd `cmd:"" hidden:"" default:"1"`
}

// defaultPaths are the defaults of -f and ifstated --gifctl, for their tags.
var defaultPaths = kong.Vars{"config": config.DefaultFile, "gifctl": ifstated.DefaultGifctl}

func main() {
	os.Exit(run())
}

// run returns the exit status, so that its deferred closes run first.
func run() int {
	broker.Version = version // the User-Agent names it
	var cli CLI
	parser := kong.Must(&cli,
		kong.Name("gifctl"),
		kong.Description(description),
		kong.Vars{"version": version}, defaultPaths,
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, Summary: true}),
	)
	kctx, err := parser.Parse(os.Args[1:])
	a := newApp(&cli, os.Stdout, os.Stderr)
	defer a.close()
	if err != nil {
		// ifstated discards its commands' output: a typo in ifstated.conf must log too.
		a.log.Errorf("%s", err)
		fmt.Fprintln(os.Stderr, usageLine(err))
		return exitUsage
	}
	cmd := kctx.Selected().Target.Addr().Interface().(command)
	if _, ok := cmd.(*ConfigTestCmd); ok && !cli.NoAction {
		return a.exitStatus(usageError(errors.New("no command given; see gifctl --help")))
	}
	return a.exitStatus(a.runCommand(cmd))
}

// exitStatus logs err, if it says anything, and returns the status for it.
func (a *app) exitStatus(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errFalse) {
		return exitFailed
	}
	// One record per error errors.Join joined, never per line: a newline inside
	// one is someone else's text (a certificate's name), which the logger escapes.
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok && errors.Join(j.Unwrap()...).Error() == err.Error() {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		a.log.Errorf("%s", e)
	}
	if errors.As(err, new(usageErr)) {
		return exitUsage
	}
	return exitFailed
}

// usageLine is the one line a bad invocation gets, as OpenBSD tools print:
// the synopsis of the command that was being parsed, else gifctl(8)'s.
func usageLine(err error) string {
	if perr, ok := errors.AsType[*kong.ParseError](err); ok && perr.Context != nil {
		if node := perr.Context.Selected(); node != nil && !node.Hidden {
			return "usage: gifctl " + node.Summary()
		}
	}
	return "usage: gifctl [-nv] [-f file] " +
		"check | restart | update | heartbeat | status | doctor | ifstated | watch"
}

// duration is a flag's duration, written as gifctl.conf writes a timeout:
// a bare number is seconds ("5"); "500ms" and "1m30s" have their units.
type duration time.Duration

// UnmarshalText is how kong reads the flag.
func (d *duration) UnmarshalText(b []byte) error {
	s := string(b)
	if s != "" && strings.Trim(s, "0123456789") == "" {
		s += "s"
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q: want seconds, or a number with a unit, as 500ms or 1m30s", b)
	}
	*d = duration(v)
	return nil
}
