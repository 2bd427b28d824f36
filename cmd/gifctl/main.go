package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/alecthomas/kong"

	"github.com/gifctl/gifctl/internal/broker"
)

// version is set by the Makefile with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses: the API ifstated reads.
const (
	exitOK     = 0 // done, consistent, a reply
	exitFailed = 1 // a step failed, or the check is false
	exitUsage  = 2 // bad usage or configuration
)

// errFalse is a check whose answer is "no": exit 1, and nothing logged
// (with -v the check said why).
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

func main() {
	os.Exit(run())
}

// run parses the command line, runs the command and maps its error to an
// exit status, once the deferred closes have run.
func run() int {
	broker.Version = version // the User-Agent names it
	var cli CLI
	parser := kong.Must(&cli,
		kong.Name("gifctl"),
		kong.Description(description),
		kong.Vars{"version": version},
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, Summary: true}),
	)
	kctx, err := parser.Parse(os.Args[1:])
	a := newApp(&cli, os.Stdout, os.Stderr)
	defer a.close()
	if err != nil {
		// ifstated discards the output of what it runs: a mistyped
		// command in ifstated.conf must show in the log too.
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
	code := exitFailed
	if errors.As(err, new(usageErr)) {
		code = exitUsage
	}
	// One record per error errors.Join joined, never per line: a newline
	// inside one error is someone else's text (a certificate's name),
	// and the logger escapes it.
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok && errors.Join(j.Unwrap()...).Error() == err.Error() {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		a.log.Errorf("%s", e)
	}
	return code
}

// globalUsage is the synopsis of gifctl(8).
const globalUsage = "usage: gifctl [-nv] [-f file] " +
	"check | restart | update | heartbeat | status | doctor | ifstated | watch"

// usageLine is the one line a bad invocation gets, as OpenBSD tools print:
// the synopsis of the command that was being parsed, or of gifctl.
func usageLine(err error) string {
	var perr *kong.ParseError
	if errors.As(err, &perr) && perr.Context != nil {
		if node := perr.Context.Selected(); node != nil && !node.Hidden {
			return "usage: gifctl " + node.Summary()
		}
	}
	return globalUsage
}
